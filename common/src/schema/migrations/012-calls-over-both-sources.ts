/**
 * Migration 10. One view of tool call attempts and model requests over both sources: the lab's own
 * agent (`tool_calls`, `logical_calls`, `model_calls`) and an agent over HTTP (`service_requests`
 * tied to its prompts, and the `model_calls` rows made from them). The attribution views of migration
 * 3 are rebuilt on it, so the blast radius and the root causes count an HTTP agent's calls, its model
 * requests and LLM faults, and mark what rests on an inference. docs/record.md describes them.
 */
import type { Migration } from '../migration.js';

export const migrationCallsOverBothSources: Migration = {
  description:
    'calls over both sources: tool_attempts, tool_call_summaries, model_requests, model_call_faults, unseen_call_faults; attribution views rebuilt on them',
  sql: `
      -- service_requests.tool: the declared tool a request was read back as (agent/src/under-test),
      -- NULL when not resolved; readers then show "<method> <path>".
      ALTER TABLE service_requests ADD COLUMN tool TEXT;

      -- An expected tool call of a prompt attempt of an agent over HTTP that no service record shows,
      -- on a service that had a fault (or a request still open) while the attempt ran: written by the
      -- lab after the attempt (agent/src/under-test). A request a toxic cut before it reached the
      -- service leaves no service_requests row: this is the record that it was expected.
      CREATE TABLE unseen_calls (
        id             INTEGER PRIMARY KEY,
        run_id         TEXT NOT NULL,
        prompt_index   INTEGER NOT NULL,
        prompt_attempt INTEGER NOT NULL,
        tool           TEXT NOT NULL,
        service        TEXT NOT NULL
      );
      CREATE INDEX unseen_calls_run ON unseen_calls (run_id, prompt_index);

      DROP VIEW fault_blast_radius;
      DROP VIEW prompt_causes;
      DROP VIEW attempt_causes;
      DROP VIEW attempt_faults;

      -- The tool services' requests tied to a prompt (run_id set), each with its call_id: the
      -- X-Request-Id before its first '#' (the lab's '<call id>#<attempt>' convention), else the whole
      -- id, else 'service-request-<id>'.
      CREATE VIEW service_tool_requests AS
        SELECT sr.*,
               CASE WHEN instr(sr.request_id, '#') > 1 THEN substr(sr.request_id, 1, instr(sr.request_id, '#') - 1)
                    ELSE COALESCE(sr.request_id, 'service-request-' || sr.id) END AS call_id
          FROM service_requests sr
         WHERE sr.run_id IS NOT NULL AND sr.service <> 'model';

      -- One row per tool call attempt, from either source.
      --   source 'agent': a tool_calls row (attempt_row = its id; attribution 'observed').
      --   source 'service': a service_tool_requests row (attempt_row = minus its id, so it never meets a
      --     tool_calls id; attribution 'request_id' or 'inferred_time' as tied); attempt: its rank among
      --     the requests of its call id in the prompt attempt; via 'service' (seen at the service:
      --     whether it crossed the proxy is not recorded); outcome from the status the service sent: ok
      --     (< 400), lost (< 400, but the agent sent the call again: the answer did not reach it, e.g. a
      --     downstream toxic cut it after the service wrote it; an inference from the retry), http_error,
      --     abandoned (0: the client went away before the answer), open (none recorded); simulated 0 (not
      --     recorded); error NULL (the service does not know why a client failed).
      -- failed: 1 unless the attempt got an answer (ok, or a 4xx: the service answering that the
      -- arguments were wrong, not a fault; the agent ends the call on it).
      -- Per-row subqueries rather than window functions, so a reader's WHERE run_id = ? reaches the
      -- tables' run indexes instead of ranking every run's rows first.
      CREATE VIEW tool_attempts AS
        SELECT t.id AS attempt_row, 'agent' AS source, 'observed' AS attribution, t.run_id, t.prompt_index, t.prompt_attempt,
               t.call_id, t.attempt_id, t.tool, t.service, t.attempt, t.via, t.outcome, t.http_status, t.simulated,
               t.started_at, t.duration_ms, t.error,
               t.outcome <> 'ok' AND NOT (t.outcome = 'http_error' AND t.http_status BETWEEN 400 AND 499) AS failed
          FROM tool_calls t
        UNION ALL
        SELECT -s.id, 'service', s.attribution, s.run_id, s.prompt_index, s.prompt_attempt, s.call_id, s.request_id,
               COALESCE(s.tool, s.method || ' ' || s.path), s.service,
               (SELECT COUNT(*) FROM service_tool_requests e
                 WHERE e.run_id = s.run_id AND e.prompt_index = s.prompt_index AND e.prompt_attempt = s.prompt_attempt
                   AND e.call_id = s.call_id AND (e.received_at < s.received_at OR (e.received_at = s.received_at AND e.id <= s.id))),
               'service',
               CASE WHEN s.status IS NULL THEN 'open' WHEN s.status = 0 THEN 'abandoned'
                    WHEN s.status < 400 AND s.retried THEN 'lost' WHEN s.status < 400 THEN 'ok' ELSE 'http_error' END,
               NULLIF(s.status, 0), 0, s.received_at, COALESCE(s.duration_ms, 0), NULL,
               COALESCE(NOT (s.status BETWEEN 1 AND 499), 1) OR (s.status < 400 AND s.retried)
          FROM (SELECT r.*,
                       EXISTS (SELECT 1 FROM service_tool_requests n
                                WHERE n.run_id = r.run_id AND n.prompt_index = r.prompt_index
                                  AND n.prompt_attempt = r.prompt_attempt AND n.call_id = r.call_id
                                  AND (n.received_at > r.received_at OR (n.received_at = r.received_at AND n.id > r.id))) AS retried
                  FROM service_tool_requests r) s;

      -- One row per tool call (the attempts of one call id in one prompt attempt), from either source:
      -- logical_calls for the lab's agent; for service rows, the tool, the first request's arguments
      -- (its query and body fields as the service received them), status 'result' (an attempt answered
      -- 2xx/3xx), 'refused' (4xx) or 'no_result', and its attempts.
      CREATE VIEW tool_call_summaries AS
        SELECT l.call_id, 'agent' AS source, 'observed' AS attribution, l.run_id, l.prompt_index, l.prompt_attempt, l.tool, l.service,
               l.arguments, l.status, l.attempts, l.http_status, l.result_digest, l.started_at, l.finished_at
          FROM logical_calls l
        UNION ALL
        SELECT c.call_id, 'service', c.attribution, c.run_id, c.prompt_index, c.prompt_attempt, c.tool, c.service,
               COALESCE(sr.arguments, '{}'), c.status, c.attempts, c.http_status, NULL, c.started_at, c.finished_at
          FROM (SELECT a.call_id, MIN(a.attribution) AS attribution, a.run_id, a.prompt_index, a.prompt_attempt, MIN(a.tool) AS tool,
                       MIN(a.service) AS service, -MAX(a.attempt_row) AS first_request,
                       CASE WHEN SUM(a.outcome = 'ok') > 0 THEN 'result'
                            WHEN SUM(a.http_status BETWEEN 400 AND 499) > 0 THEN 'refused' ELSE 'no_result' END AS status,
                       COUNT(*) AS attempts, MAX(a.http_status) AS http_status, MIN(a.started_at) AS started_at,
                       MAX(a.started_at + a.duration_ms) AS finished_at
                  FROM tool_attempts a
                 WHERE a.source = 'service'
                 GROUP BY a.run_id, a.prompt_index, a.prompt_attempt, a.call_id) c
          LEFT JOIN service_requests sr ON sr.id = c.first_request;

      -- Every (attempt, fault event) pair where the fault could reach the attempt, as in migration 3,
      -- over tool_attempts: a toxic on <service>_proxy reaches attempts through the proxy and attempts
      -- seen at the service (an agent over HTTP is handed the proxies' URLs only); a service_down,
      -- http_error or service fault of the attempt's service reaches any attempt. inferred: the attempt
      -- was tied to its prompt by time.
      CREATE VIEW attempt_faults AS
        SELECT t.attempt_row, t.source, t.attribution, t.attribution = 'inferred_time' AS inferred, t.run_id, t.prompt_index,
               t.prompt_attempt, t.call_id, t.service, t.via, t.outcome, t.failed, t.started_at AS attempt_started_at, t.started_at + t.duration_ms AS attempt_ended_at,
               f.id AS fault_event_id, f.kind, f.proxy, f.type, f.stream, f.attributes,
               f.started_at AS fault_started_at, f.ended_at AS fault_ended_at
          FROM tool_attempts t
          JOIN fault_events f
            ON f.started_at <= t.started_at + t.duration_ms
           AND (f.ended_at IS NULL OR f.ended_at > t.started_at)
           AND ((f.kind = 'toxic' AND t.via IN ('proxy', 'service') AND f.proxy = t.service || '_proxy')
             OR (f.kind IN ('service_down', 'http_error', 'service') AND f.service = t.service))
           -- A fault that knows the attempts it touched (touched_attempts, migration 11) touched only those.
           AND (f.touched_attempts IS NULL OR t.attempt_id IN (SELECT value FROM json_each(f.touched_attempts)));

      -- One row per failed attempt of either source, with migration 3's cause rule: simulated_error,
      -- service_down, the fault by kind (of several, the latest started before the attempt, else the
      -- first started during it), cancelled, client_timeout, unknown. A service row's failure is
      -- unknown unless a fault touched it: the service does not know why a client gave up.
      CREATE VIEW attempt_causes AS
        SELECT t.attempt_row, t.source, t.attribution, t.run_id, t.prompt_index, t.prompt_attempt, t.call_id, t.attempt_id, t.tool,
               t.service, t.attempt, t.via, t.outcome, t.http_status, t.simulated, t.started_at, t.duration_ms,
               t.started_at + t.duration_ms AS ended_at, t.error,
               CASE WHEN t.simulated = 1 THEN 'simulated_error'
                    WHEN f.kind IS NOT NULL THEN f.kind
                    WHEN t.outcome = 'cancelled' THEN 'cancelled'
                    WHEN t.outcome = 'timeout' THEN 'client_timeout'
                    ELSE 'unknown' END AS cause,
               CASE WHEN t.simulated = 0 THEN f.id END AS fault_event_id,
               CASE WHEN t.simulated = 0 THEN f.proxy END AS fault_proxy,
               CASE WHEN t.simulated = 0 THEN f.type END AS fault_type,
               CASE WHEN t.simulated = 0 THEN f.stream END AS fault_stream,
               CASE WHEN t.simulated = 0 THEN f.attributes END AS fault_attributes,
               t.faults_active
          FROM (SELECT ta.*,
                       (SELECT af.fault_event_id FROM attempt_faults af
                         WHERE af.run_id = ta.run_id AND af.prompt_index = ta.prompt_index AND af.attempt_row = ta.attempt_row
                         ORDER BY af.kind = 'service_down' DESC,
                                  af.fault_started_at <= af.attempt_started_at DESC,
                                  CASE WHEN af.fault_started_at <= af.attempt_started_at THEN -af.fault_started_at ELSE af.fault_started_at END,
                                  af.fault_event_id
                         LIMIT 1) AS blamed,
                       (SELECT COUNT(*) FROM attempt_faults af
                         WHERE af.run_id = ta.run_id AND af.prompt_index = ta.prompt_index AND af.attempt_row = ta.attempt_row) AS faults_active
                  FROM tool_attempts ta WHERE ta.failed) t
          LEFT JOIN fault_events f ON f.id = t.blamed;

      -- model_calls with how each row is tied to its prompt: 'observed' for the lab's own agent; for
      -- an agent over HTTP (provider 'agent-under-test'), the attribution of the service_requests row
      -- it was made from (same X-Request-Id, or 'service-request-<id>' when the request carried none).
      CREATE VIEW model_requests AS
        SELECT m.*,
               CASE WHEN m.provider <> 'agent-under-test' THEN 'observed'
                    ELSE COALESCE((SELECT s.attribution FROM service_requests s
                                    WHERE s.run_id = m.run_id AND s.prompt_index = m.prompt_index AND s.service = 'model'
                                      AND (s.request_id = m.request_id OR 'service-request-' || s.id = m.request_id)
                                    ORDER BY s.id LIMIT 1), 'inferred_time') END AS attribution
          FROM model_calls m;

      -- Every (model request, fault event) pair: an llm fault the gateway applied to it (linked_by
      -- 'fault_event_id': model_calls.fault_event_id; 'request_id': the event's attributes.request_ids,
      -- where the gateway marks every request it served under the fault), or a toxic on model_proxy
      -- while it ran ('time'). inferred: the request was tied to its prompt by time.
      CREATE VIEW model_call_faults AS
        SELECT m.id AS model_call_row, m.run_id, m.prompt_index, m.prompt_attempt, m.call_index, m.attempt, m.request_id, m.provider,
               m.status, m.attribution, m.started_at, m.latency_ms,
               f.id AS fault_event_id, f.kind, f.proxy, f.type, f.stream, f.attributes, f.started_at AS fault_started_at,
               CASE WHEN m.fault_event_id = f.id THEN 'fault_event_id' WHEN f.kind = 'llm' AND m.request_id IN
                      (SELECT value FROM json_each(CASE WHEN json_valid(f.attributes) THEN f.attributes ELSE '{}' END, '$.request_ids'))
                    THEN 'request_id' ELSE 'time' END AS linked_by,
               m.attribution = 'inferred_time' AS inferred
          FROM model_requests m
          JOIN fault_events f
            ON (f.kind = 'llm'
                AND (f.id = m.fault_event_id
                  OR m.request_id IN (SELECT value FROM json_each(CASE WHEN json_valid(f.attributes) THEN f.attributes ELSE '{}' END, '$.request_ids'))))
            OR (f.kind = 'toxic' AND f.proxy = 'model_proxy'
                AND f.started_at <= m.started_at + m.latency_ms AND (f.ended_at IS NULL OR f.ended_at > m.started_at));

      -- Every (unseen call, fault event) pair: a fault on the unseen call's service (a toxic on its
      -- proxy, a service_down, http_error or service fault) while its prompt ran. The request may have
      -- been cut before it reached the service: the fault touched the prompt, by inference.
      CREATE VIEW unseen_call_faults AS
        SELECT u.id AS unseen_call_row, u.run_id, u.prompt_index, u.prompt_attempt, u.tool, u.service,
               f.id AS fault_event_id, f.kind, f.type, f.started_at AS fault_started_at
          FROM unseen_calls u
          JOIN prompt_results p ON p.run_id = u.run_id AND p.prompt_index = u.prompt_index
          JOIN fault_events f
            ON f.started_at <= p.finished_at AND (f.ended_at IS NULL OR f.ended_at > p.started_at)
           AND ((f.kind = 'toxic' AND f.proxy = u.service || '_proxy')
             OR (f.kind IN ('service_down', 'http_error', 'service') AND f.service = u.service))
           AND f.touched_attempts IS NULL;

      -- One row per prompt that did not end well (failed, wrong, unhandled, interrupted). root_cause,
      -- first that holds:
      --   1 the cause of the first failed attempt of the first tool call left without an answer (no
      --     attempt answered), over both sources;
      --   2 the kind of the fault ('llm', or 'toxic' on model_proxy) on its first model request an llm
      --     fault was applied to, or that failed under a model_proxy toxic;
      --   3 for an agent over HTTP: the kind of the first fault that touched a request of the prompt
      --     seen at a service or an unseen expected call (the lab cannot see what the agent got back);
      --   4 the prompt's error_type for a failed or interrupted prompt; NULL for a wrong or unhandled one.
      -- root_inferred: 1 when the root rests on an inference (a request tied by time, step 3). chain: every failed attempt in time order (JSON), with its source.
      -- Each prompt's roots are looked up by its own (run_id, prompt_index), so a reader's filter on
      -- them reaches the indexes; the JSON arrays keep the order of their ordered subqueries.
      CREATE VIEW prompt_causes AS
        SELECT r.run_id, r.prompt_index, r.prompt_id, r.status, r.error_type,
               COALESCE(json_extract(r.root, '$.cause'),
                        CASE WHEN r.status IN ('failed', 'interrupted') THEN COALESCE(r.error_type, 'unknown') END) AS root_cause,
               json_extract(r.root, '$.attempt_row') AS root_attempt_row, json_extract(r.root, '$.call_id') AS root_call_id,
               json_extract(r.root, '$.tool') AS root_tool, json_extract(r.root, '$.fault') AS root_fault_event_id,
               COALESCE(json_extract(r.root, '$.inferred'), 0) AS root_inferred,
               json_array_length(r.chain) AS failed_attempts,
               r.chain
          FROM (SELECT p.run_id, p.prompt_index, p.prompt_id, p.status, p.error_type,
                       COALESCE(
                         (SELECT json_object('cause', ac.cause, 'fault', ac.fault_event_id, 'attempt_row', ac.attempt_row,
                                             'call_id', ac.call_id, 'tool', ac.tool, 'inferred', ac.attribution = 'inferred_time')
                            FROM attempt_causes ac
                           WHERE ac.run_id = p.run_id AND ac.prompt_index = p.prompt_index
                             AND json_array(ac.prompt_attempt, ac.call_id) = (
                               SELECT json_array(u.prompt_attempt, u.call_id) FROM tool_attempts u
                                WHERE u.run_id = p.run_id AND u.prompt_index = p.prompt_index
                                GROUP BY u.prompt_attempt, u.call_id HAVING SUM(NOT u.failed) = 0
                                ORDER BY MIN(u.started_at), MIN(u.attempt_row) LIMIT 1)
                           ORDER BY ac.started_at, ac.attempt_row LIMIT 1),
                         (SELECT json_object('cause', m.kind, 'fault', m.fault_event_id, 'inferred', m.inferred)
                            FROM model_call_faults m
                           WHERE m.run_id = p.run_id AND m.prompt_index = p.prompt_index AND (m.kind = 'llm' OR m.status <> 'ok')
                           ORDER BY m.started_at, m.model_call_row, m.fault_started_at, m.fault_event_id LIMIT 1),
                         -- Only a prompt the services saw or left an unseen call of is an agent over HTTP's.
                         CASE WHEN EXISTS (SELECT 1 FROM service_requests s WHERE s.run_id = p.run_id AND s.prompt_index = p.prompt_index)
                                OR EXISTS (SELECT 1 FROM unseen_calls uc WHERE uc.run_id = p.run_id AND uc.prompt_index = p.prompt_index)
                              THEN (SELECT json_object('cause', e.kind, 'fault', e.fault_event_id, 'inferred', 1)
                                      FROM (SELECT af.kind, af.fault_event_id, af.fault_started_at FROM attempt_faults af
                                             WHERE af.run_id = p.run_id AND af.prompt_index = p.prompt_index AND af.source = 'service'
                                            UNION ALL
                                            SELECT uf.kind, uf.fault_event_id, uf.fault_started_at FROM unseen_call_faults uf
                                             WHERE uf.run_id = p.run_id AND uf.prompt_index = p.prompt_index) e
                                     ORDER BY e.fault_started_at, e.fault_event_id LIMIT 1) END) AS root,
                       (SELECT json_group_array(json_object('attempt_row', c.attempt_row, 'source', c.source, 'attribution', c.attribution,
                                                            'call_id', c.call_id, 'tool', c.tool, 'via', c.via, 'attempt', c.attempt,
                                                            'outcome', c.outcome, 'http_status', c.http_status, 'cause', c.cause,
                                                            'fault_event_id', c.fault_event_id))
                          FROM (SELECT * FROM attempt_causes ac
                                 WHERE ac.run_id = p.run_id AND ac.prompt_index = p.prompt_index
                                 ORDER BY ac.started_at, ac.attempt_row) c) AS chain
                  FROM prompt_results p
                 WHERE p.status IN ('failed', 'wrong', 'unhandled', 'interrupted')) r;

      -- One row per fault event: its blast radius, as in migration 3 over both sources, plus its model
      -- requests. attempts_touched / attempts_failed / attempts_attributed: tool attempts it could
      -- reach (attempt_faults) / of those, failed ones / failed ones whose cause is this event;
      -- model_requests_touched / model_requests_failed: model requests it touched (model_call_faults) /
      -- of those, not 'ok'; prompts_touched, prompt_indexes (JSON, ascending): prompts it touched through
      -- a tool attempt, a model request or an unseen call (unseen_call_faults); inferred_prompt_indexes:
      -- those touched by inference only;
      -- prompts_root_caused: prompts of its run whose root cause is this event.
      CREATE VIEW fault_blast_radius AS
        SELECT b.fault_event_id, b.run_id, b.kind, b.proxy, b.service, b.name, b.type, b.stream, b.toxicity, b.attributes,
               b.started_at, b.ended_at, b.ended_by,
               (SELECT COUNT(*) FROM attempt_faults af WHERE af.fault_event_id = b.fault_event_id) AS attempts_touched,
               (SELECT COUNT(*) FROM attempt_faults af WHERE af.fault_event_id = b.fault_event_id AND af.failed) AS attempts_failed,
               (SELECT COUNT(*) FROM attempt_faults af
                  JOIN attempt_causes ac ON ac.run_id = af.run_id AND ac.prompt_index = af.prompt_index AND ac.attempt_row = af.attempt_row
                 WHERE af.fault_event_id = b.fault_event_id AND af.failed AND ac.fault_event_id = b.fault_event_id) AS attempts_attributed,
               (SELECT COUNT(*) FROM model_call_faults m WHERE m.fault_event_id = b.fault_event_id) AS model_requests_touched,
               (SELECT COUNT(*) FROM model_call_faults m WHERE m.fault_event_id = b.fault_event_id AND m.status <> 'ok') AS model_requests_failed,
               json_array_length(b.prompts) AS prompts_touched,
               (SELECT json_group_array(DISTINCT p.value ->> '$[1]') FROM json_each(b.prompts) p) AS prompt_indexes,
               (SELECT json_group_array(DISTINCT p.value ->> '$[1]') FROM json_each(b.prompts) p WHERE p.value ->> '$[2]') AS inferred_prompt_indexes,
               (SELECT COUNT(*) FROM prompt_causes pc WHERE pc.run_id = b.run_id AND pc.root_fault_event_id = b.fault_event_id) AS prompts_root_caused
          -- The prompts each event touched are read once per event (grouped, so not copied into every column that uses them):
          -- [run_id, prompt_index, inferred] by prompt index.
          FROM (SELECT f.id AS fault_event_id, f.run_id, f.kind, f.proxy, f.service, f.name, f.type, f.stream, f.toxicity, f.attributes,
                       f.started_at, f.ended_at, f.ended_by,
                       (SELECT json_group_array(json_array(e.run_id, e.prompt_index, e.inferred))
                          FROM (SELECT t.run_id, t.prompt_index, MIN(t.inferred) AS inferred
                                  FROM (SELECT af.run_id, af.prompt_index, af.inferred FROM attempt_faults af WHERE af.fault_event_id = f.id
                                        UNION ALL
                                        SELECT m.run_id, m.prompt_index, m.inferred FROM model_call_faults m
                                         WHERE m.fault_event_id = f.id AND m.prompt_index IS NOT NULL
                                        UNION ALL
                                        SELECT uf.run_id, uf.prompt_index, 1 FROM unseen_call_faults uf WHERE uf.fault_event_id = f.id) t
                                 GROUP BY t.run_id, t.prompt_index ORDER BY t.prompt_index, t.run_id) e) AS prompts
                  FROM fault_events f GROUP BY f.id, f.run_id) b;
    `,
};
