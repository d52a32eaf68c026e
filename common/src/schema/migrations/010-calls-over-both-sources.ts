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
    'calls over both sources: tool_attempts, tool_call_summaries, model_requests, model_call_faults, prompt_faults; attribution views rebuilt on them',
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

      -- One row per tool call attempt, from either source.
      --   source 'agent': a tool_calls row (attempt_row = its id; attribution 'observed').
      --   source 'service': a service_requests row of a tool service tied to a prompt (run_id set;
      --     attempt_row = minus its id, so it never meets a tool_calls id; attribution 'request_id' or
      --     'inferred_time' as tied). call_id: the X-Request-Id before its first '#' (the lab's
      --     '<call id>#<attempt>' convention), else the whole id, else 'service-request-<id>'; attempt:
      --     its rank among the requests of that call id; via 'service' (seen at the service: whether
      --     it crossed the proxy is not recorded); outcome from the status the service sent: ok (< 400),
      --     http_error, abandoned (0: the client went away before the answer), open (none recorded);
      --     simulated 0 (not recorded); error NULL (the service does not know why a client failed).
      CREATE VIEW tool_attempts AS
        SELECT t.id AS attempt_row, 'agent' AS source, 'observed' AS attribution, t.run_id, t.prompt_index, t.prompt_attempt,
               t.call_id, t.attempt_id, t.tool, t.service, t.attempt, t.via, t.outcome, t.http_status, t.simulated,
               t.started_at, t.duration_ms, t.error
          FROM tool_calls t
        UNION ALL
        SELECT -s.id, 'service', s.attribution, s.run_id, s.prompt_index, s.prompt_attempt,
               s.call_key, s.request_id, COALESCE(s.tool, s.method || ' ' || s.path), s.service,
               ROW_NUMBER() OVER (PARTITION BY s.run_id, s.prompt_index, s.prompt_attempt, s.call_key ORDER BY s.received_at, s.id),
               'service',
               CASE WHEN s.status IS NULL THEN 'open' WHEN s.status = 0 THEN 'abandoned'
                    WHEN s.status < 400 THEN 'ok' ELSE 'http_error' END,
               NULLIF(s.status, 0), 0, s.received_at, COALESCE(s.duration_ms, 0), NULL
          FROM (SELECT sr.*,
                       CASE WHEN instr(sr.request_id, '#') > 1 THEN substr(sr.request_id, 1, instr(sr.request_id, '#') - 1)
                            ELSE COALESCE(sr.request_id, 'service-request-' || sr.id) END AS call_key
                  FROM service_requests sr
                 WHERE sr.run_id IS NOT NULL AND sr.service <> 'model') s;

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
      -- http_error or service fault of the attempt's service reaches any attempt.
      CREATE VIEW attempt_faults AS
        SELECT t.attempt_row, t.source, t.attribution, t.run_id, t.prompt_index, t.prompt_attempt, t.call_id, t.service, t.via,
               t.started_at AS attempt_started_at, t.started_at + t.duration_ms AS attempt_ended_at,
               f.id AS fault_event_id, f.kind, f.proxy, f.type, f.stream, f.attributes,
               f.started_at AS fault_started_at, f.ended_at AS fault_ended_at
          FROM tool_attempts t
          JOIN fault_events f
            ON f.started_at <= t.started_at + t.duration_ms
           AND (f.ended_at IS NULL OR f.ended_at > t.started_at)
           AND ((f.kind = 'toxic' AND t.via IN ('proxy', 'service') AND f.proxy = t.service || '_proxy')
             OR (f.kind IN ('service_down', 'http_error', 'service') AND f.service = t.service));

      -- One row per failed attempt of either source, with migration 3's cause rule (simulated_error,
      -- service_down, the fault by kind, cancelled, client_timeout, unknown). A service row's failure
      -- is unknown unless a fault touched it: the service does not know why a client gave up.
      CREATE VIEW attempt_causes AS
        WITH failed AS (
          SELECT * FROM tool_attempts
           WHERE outcome <> 'ok' AND NOT (outcome = 'http_error' AND http_status BETWEEN 400 AND 499)
        ),
        ranked AS (
          SELECT af.*, ROW_NUMBER() OVER (
                   PARTITION BY af.attempt_row
                   ORDER BY af.kind = 'service_down' DESC,
                            af.fault_started_at <= af.attempt_started_at DESC,
                            CASE WHEN af.fault_started_at <= af.attempt_started_at THEN -af.fault_started_at ELSE af.fault_started_at END,
                            af.fault_event_id) AS fault_rank,
                 COUNT(*) OVER (PARTITION BY af.attempt_row) AS faults_active
            FROM attempt_faults af JOIN failed t ON t.attempt_row = af.attempt_row
        )
        SELECT t.attempt_row, t.source, t.attribution, t.run_id, t.prompt_index, t.prompt_attempt, t.call_id, t.attempt_id, t.tool,
               t.service, t.attempt, t.via, t.outcome, t.http_status, t.simulated, t.started_at, t.duration_ms,
               t.started_at + t.duration_ms AS ended_at, t.error,
               CASE WHEN t.simulated = 1 THEN 'simulated_error'
                    WHEN r.kind IS NOT NULL THEN r.kind
                    WHEN t.outcome = 'cancelled' THEN 'cancelled'
                    WHEN t.outcome = 'timeout' THEN 'client_timeout'
                    ELSE 'unknown' END AS cause,
               CASE WHEN t.simulated = 0 THEN r.fault_event_id END AS fault_event_id,
               CASE WHEN t.simulated = 0 THEN r.proxy END AS fault_proxy,
               CASE WHEN t.simulated = 0 THEN r.type END AS fault_type,
               CASE WHEN t.simulated = 0 THEN r.stream END AS fault_stream,
               CASE WHEN t.simulated = 0 THEN r.attributes END AS fault_attributes,
               COALESCE(r.faults_active, 0) AS faults_active
          FROM failed t
          LEFT JOIN ranked r ON r.attempt_row = t.attempt_row AND r.fault_rank = 1;

      -- model_calls with how each row is tied to its prompt: 'observed' for the lab's own agent; for
      -- an agent over HTTP (provider 'agent-under-test'), the attribution of the service_requests row
      -- it was made from (same X-Request-Id, or 'service-request-<id>' when the request carried none).
      CREATE VIEW model_requests AS
        SELECT m.*,
               CASE WHEN m.provider <> 'agent-under-test' THEN 'observed'
                    ELSE COALESCE((SELECT s.attribution FROM service_requests s
                                    WHERE s.service = 'model' AND s.run_id = m.run_id
                                      AND (s.request_id = m.request_id OR 'service-request-' || s.id = m.request_id)
                                    ORDER BY s.id LIMIT 1), 'inferred_time') END AS attribution
          FROM model_calls m;

      -- Every (model request, fault event) pair: an llm fault the gateway applied to it (linked_by
      -- 'fault_event_id': model_calls.fault_event_id; 'request_id': the event's attributes.request_ids,
      -- where the gateway marks every request it served under the fault; 'time': a request that
      -- carried no X-Request-Id and arrived while the llm event was open, which the gateway applies to
      -- every request it serves), or a toxic on model_proxy while it ran ('time').
      CREATE VIEW model_call_faults AS
        SELECT m.id AS model_call_row, m.run_id, m.prompt_index, m.prompt_attempt, m.call_index, m.attempt, m.request_id, m.provider,
               m.status, m.attribution, m.started_at, m.latency_ms,
               f.id AS fault_event_id, f.kind, f.proxy, f.type, f.stream, f.attributes, f.started_at AS fault_started_at,
               CASE WHEN m.fault_event_id = f.id THEN 'fault_event_id' WHEN f.kind = 'llm' AND m.request_id IN
                      (SELECT value FROM json_each(CASE WHEN json_valid(f.attributes) THEN f.attributes ELSE '{}' END, '$.request_ids'))
                    THEN 'request_id' ELSE 'time' END AS linked_by
          FROM model_requests m
          JOIN fault_events f
            ON (f.kind = 'llm'
                AND (f.id = m.fault_event_id
                  OR m.request_id IN (SELECT value FROM json_each(CASE WHEN json_valid(f.attributes) THEN f.attributes ELSE '{}' END, '$.request_ids'))
                  OR (m.provider = 'agent-under-test' AND m.request_id LIKE 'service-request-%' AND f.run_id = m.run_id
                      AND f.started_at <= m.started_at AND (f.ended_at IS NULL OR f.ended_at > m.started_at))))
            OR (f.kind = 'toxic' AND f.proxy = 'model_proxy'
                AND f.started_at <= m.started_at + m.latency_ms AND (f.ended_at IS NULL OR f.ended_at > m.started_at));

      -- Every (prompt, fault event) pair where the fault touched the prompt, and how (evidence): a tool
      -- attempt (attempt_faults), a model request (model_call_faults), or an unseen expected call (a
      -- fault on the service of an unseen_calls row while the prompt ran: the request may have been
      -- cut before it reached the service). inferred: 1 when every piece of evidence is an inference
      -- (a request tied to the prompt by time, an llm fault linked by time, an unseen call).
      CREATE VIEW prompt_faults AS
        WITH evidence AS (
          SELECT run_id, prompt_index, fault_event_id, 'tool_attempt' AS evidence, attribution = 'inferred_time' AS inferred,
                 source = 'service' AS seen_at_service
            FROM attempt_faults
          UNION ALL
          SELECT run_id, prompt_index, fault_event_id, 'model_request', attribution = 'inferred_time' OR linked_by = 'time' AND kind = 'llm', 0
            FROM model_call_faults WHERE prompt_index IS NOT NULL
          UNION ALL
          SELECT u.run_id, u.prompt_index, f.id, 'unseen_call', 1, 1
            FROM unseen_calls u
            JOIN prompt_results p ON p.run_id = u.run_id AND p.prompt_index = u.prompt_index
            JOIN fault_events f
              ON f.started_at <= p.finished_at AND (f.ended_at IS NULL OR f.ended_at > p.started_at)
             AND ((f.kind = 'toxic' AND f.proxy = u.service || '_proxy')
               OR (f.kind IN ('service_down', 'http_error', 'service') AND f.service = u.service))
        )
        SELECT e.run_id, e.prompt_index, e.fault_event_id, f.kind, f.type, f.started_at AS fault_started_at,
               MIN(e.inferred) AS inferred, MAX(e.seen_at_service) AS seen_at_service,
               json_group_array(DISTINCT e.evidence) AS evidence
          FROM evidence e JOIN fault_events f ON f.id = e.fault_event_id
         GROUP BY e.run_id, e.prompt_index, e.fault_event_id;

      -- One row per prompt that did not end well (failed, wrong, unhandled, interrupted). root_cause,
      -- first that holds:
      --   1 the cause of the first failed attempt of the first tool call left without an answer (as in
      --     migration 3, over both sources);
      --   2 the kind of the fault ('llm', or 'toxic' on model_proxy) on its first model request an llm
      --     fault was applied to, or that failed under a model_proxy toxic;
      --   3 for an agent over HTTP: the kind of the first fault that touched a request of the prompt
      --     seen at a service or an unseen expected call (the lab cannot see what the agent got back);
      --   4 the prompt's error_type for a failed or interrupted prompt; NULL for a wrong or unhandled one.
      -- root_inferred: 1 when the root rests on an inference (a request tied by time, an llm fault
      -- linked by time, step 3). chain: every failed attempt in time order (JSON), with its source.
      CREATE VIEW prompt_causes AS
        WITH unanswered AS (
          SELECT run_id, prompt_index, prompt_attempt, call_id, MIN(started_at) AS call_started_at, MIN(attempt_row) AS first_row
            FROM tool_attempts
           GROUP BY run_id, prompt_index, prompt_attempt, call_id
          HAVING SUM(outcome = 'ok' OR (outcome = 'http_error' AND http_status BETWEEN 400 AND 499)) = 0
        ),
        first_unanswered AS (
          SELECT u.*, ROW_NUMBER() OVER (PARTITION BY u.run_id, u.prompt_index ORDER BY u.call_started_at, u.first_row) AS call_rank
            FROM unanswered u
        ),
        tool_root AS (
          SELECT fu.run_id, fu.prompt_index, ac.attempt_row, ac.call_id, ac.tool, ac.cause, ac.fault_event_id,
                 ac.attribution = 'inferred_time' AS inferred,
                 ROW_NUMBER() OVER (PARTITION BY fu.run_id, fu.prompt_index ORDER BY ac.started_at, ac.attempt_row) AS attempt_rank
            FROM first_unanswered fu
            JOIN attempt_causes ac
              ON ac.run_id = fu.run_id AND ac.prompt_index = fu.prompt_index
             AND ac.prompt_attempt = fu.prompt_attempt AND ac.call_id = fu.call_id
           WHERE fu.call_rank = 1
        ),
        model_root AS (
          SELECT run_id, prompt_index, kind AS cause, fault_event_id,
                 attribution = 'inferred_time' OR (linked_by = 'time' AND kind = 'llm') AS inferred,
                 ROW_NUMBER() OVER (PARTITION BY run_id, prompt_index ORDER BY started_at, model_call_row, fault_started_at, fault_event_id) AS rank
            FROM model_call_faults
           WHERE prompt_index IS NOT NULL AND (kind = 'llm' OR status <> 'ok')
        ),
        service_root AS (
          SELECT run_id, prompt_index, kind AS cause, fault_event_id,
                 ROW_NUMBER() OVER (PARTITION BY run_id, prompt_index ORDER BY fault_started_at, fault_event_id) AS rank
            FROM prompt_faults WHERE seen_at_service = 1
        ),
        ordered_chain AS (
          SELECT run_id, prompt_index,
                 COUNT(*) OVER whole AS failed_attempts,
                 json_group_array(json_object('attempt_row', attempt_row, 'source', source, 'attribution', attribution, 'call_id', call_id,
                                              'tool', tool, 'via', via, 'attempt', attempt, 'outcome', outcome, 'http_status', http_status,
                                              'cause', cause, 'fault_event_id', fault_event_id)) OVER whole AS chain,
                 ROW_NUMBER() OVER (PARTITION BY run_id, prompt_index ORDER BY started_at, attempt_row) AS chain_rank
            FROM attempt_causes
          WINDOW whole AS (PARTITION BY run_id, prompt_index ORDER BY started_at, attempt_row
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        ),
        chains AS (
          SELECT run_id, prompt_index, failed_attempts, chain FROM ordered_chain WHERE chain_rank = 1
        )
        SELECT p.run_id, p.prompt_index, p.prompt_id, p.status, p.error_type,
               COALESCE(t.cause, m.cause, s.cause,
                        CASE WHEN p.status IN ('failed', 'interrupted') THEN COALESCE(p.error_type, 'unknown') END) AS root_cause,
               t.attempt_row AS root_attempt_row, t.call_id AS root_call_id, t.tool AS root_tool,
               CASE WHEN t.cause IS NOT NULL THEN t.fault_event_id ELSE COALESCE(m.fault_event_id, s.fault_event_id) END AS root_fault_event_id,
               CASE WHEN t.cause IS NOT NULL THEN t.inferred WHEN m.cause IS NOT NULL THEN m.inferred
                    WHEN s.cause IS NOT NULL THEN 1 ELSE 0 END AS root_inferred,
               COALESCE(c.failed_attempts, 0) AS failed_attempts,
               COALESCE(c.chain, '[]') AS chain
          FROM prompt_results p
          LEFT JOIN tool_root t ON t.run_id = p.run_id AND t.prompt_index = p.prompt_index AND t.attempt_rank = 1
          LEFT JOIN model_root m ON m.run_id = p.run_id AND m.prompt_index = p.prompt_index AND m.rank = 1
          LEFT JOIN service_root s ON s.run_id = p.run_id AND s.prompt_index = p.prompt_index AND s.rank = 1
          LEFT JOIN chains c ON c.run_id = p.run_id AND c.prompt_index = p.prompt_index
         WHERE p.status IN ('failed', 'wrong', 'unhandled', 'interrupted');

      -- One row per fault event: its blast radius, as in migration 3 over both sources, plus its model
      -- requests. attempts_*: tool attempts (attempt_faults, attempt_causes); model_requests_touched /
      -- model_requests_failed: model requests it touched (model_call_faults) / of those, not 'ok';
      -- prompts_touched, prompt_indexes (JSON): prompts it touched by any evidence (prompt_faults);
      -- inferred_prompt_indexes (JSON): those of them touched by inference only; prompts_root_caused.
      CREATE VIEW fault_blast_radius AS
        WITH touched AS (
          SELECT af.fault_event_id, COUNT(*) AS attempts_touched, COUNT(ac.attempt_row) AS attempts_failed,
                 SUM(ac.fault_event_id = af.fault_event_id) AS attempts_attributed
            FROM attempt_faults af LEFT JOIN attempt_causes ac ON ac.attempt_row = af.attempt_row
           GROUP BY af.fault_event_id
        ),
        models AS (
          SELECT fault_event_id, COUNT(*) AS touched, SUM(status <> 'ok') AS failed
            FROM model_call_faults GROUP BY fault_event_id
        ),
        -- Sorted prompt indexes per event through a window (not an aggregate ORDER BY: SQLite 3.44+,
        -- and the sqlite3 shell of Debian 12 is 3.40).
        prompts AS (
          SELECT fault_event_id,
                 COUNT(*) OVER whole AS prompts_touched,
                 json_group_array(prompt_index) OVER whole AS prompt_indexes,
                 json_group_array(CASE WHEN inferred THEN prompt_index END) OVER whole AS inferred_with_nulls,
                 ROW_NUMBER() OVER (PARTITION BY fault_event_id ORDER BY prompt_index) AS rank
            FROM prompt_faults
          WINDOW whole AS (PARTITION BY fault_event_id ORDER BY prompt_index ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        ),
        rooted AS (
          SELECT root_fault_event_id AS fault_event_id, COUNT(*) AS prompts
            FROM prompt_causes WHERE root_fault_event_id IS NOT NULL GROUP BY root_fault_event_id
        )
        SELECT f.id AS fault_event_id, f.run_id, f.kind, f.proxy, f.service, f.name, f.type, f.stream, f.toxicity, f.attributes,
               f.started_at, f.ended_at, f.ended_by,
               COALESCE(t.attempts_touched, 0) AS attempts_touched,
               COALESCE(t.attempts_failed, 0) AS attempts_failed,
               COALESCE(t.attempts_attributed, 0) AS attempts_attributed,
               COALESCE(m.touched, 0) AS model_requests_touched,
               COALESCE(m.failed, 0) AS model_requests_failed,
               COALESCE(pr.prompts_touched, 0) AS prompts_touched,
               COALESCE(pr.prompt_indexes, '[]') AS prompt_indexes,
               COALESCE((SELECT json_group_array(value) FROM json_each(pr.inferred_with_nulls) WHERE value IS NOT NULL), '[]')
                 AS inferred_prompt_indexes,
               COALESCE(r.prompts, 0) AS prompts_root_caused
          FROM fault_events f
          LEFT JOIN touched t ON t.fault_event_id = f.id
          LEFT JOIN models m ON m.fault_event_id = f.id
          LEFT JOIN prompts pr ON pr.fault_event_id = f.id AND pr.rank = 1
          LEFT JOIN rooted r ON r.fault_event_id = f.id;
    `,
};
