/**
 * Migration 3. The attribution views, read-only: the cause of every failed attempt (`attempt_faults`,
 * `attempt_causes`), the root cause and chain of every prompt that did not end well (`prompt_causes`)
 * and each fault event's blast radius (`fault_blast_radius`). docs/record.md describes them for readers.
 */
import type { Migration } from '../migration.js';

export const migrationAttributionViews: Migration = {
  description: 'attribution views: attempt_faults, attempt_causes, prompt_causes, fault_blast_radius',
  sql: `
      -- Read-only views that name the cause of every failed attempt, the root cause and chain of every
      -- prompt that did not end well, and each fault event's blast radius.
      -- Every time interval is read the same way: an attempt spans [started_at, started_at + duration_ms]
      -- (closed: a zero-length attempt is one instant), a fault event [started_at, ended_at) (half open;
      -- an event never closed, ended_at NULL, is still active). A fault touches an attempt when the two
      -- share a moment, whatever run either row belongs to: a toxic left from another run still bites.

      -- Every (attempt, fault event) pair where the fault could reach the attempt: a toxic on the proxy
      -- of the attempt's service (<service>_proxy) for attempts through the proxy; a service_down, a
      -- planned http_error or a planned service fault (pause, stop, kill: migration 4) of the attempt's
      -- service for any attempt (a direct fallback meets a dead or failing service too).
      CREATE VIEW attempt_faults AS
        SELECT t.id AS attempt_row, t.run_id, t.prompt_index, t.prompt_attempt, t.call_id, t.service, t.via,
               t.started_at AS attempt_started_at, t.started_at + t.duration_ms AS attempt_ended_at,
               f.id AS fault_event_id, f.kind, f.proxy, f.type, f.stream, f.attributes,
               f.started_at AS fault_started_at, f.ended_at AS fault_ended_at
          FROM tool_calls t
          JOIN fault_events f
            ON f.started_at <= t.started_at + t.duration_ms
           AND (f.ended_at IS NULL OR f.ended_at > t.started_at)
           AND ((f.kind = 'toxic' AND t.via = 'proxy' AND f.proxy = t.service || '_proxy')
             OR (f.kind IN ('service_down', 'http_error', 'service') AND f.service = t.service));

      -- One row per failed attempt: every tool_calls row whose outcome is not 'ok', except HTTP 4xx
      -- answers (a 4xx is the service answering that the arguments were wrong, not a fault; the agent
      -- ends the call on it). Cause, first match wins:
      --   1 simulated_error  the service marked its answer as a simulated error (tool_calls.simulated)
      --   2 service_down     a service_down event of the attempt's service overlaps it
      --   3 toxic            a toxic on the attempt's proxy overlaps it (via = 'proxy' only); of several,
      --                      the latest injected before the attempt started, else the first injected during it
      --   4 cancelled        outcome 'cancelled' (the prompt's deadline or the run's interruption), no fault
      --   5 client_timeout   outcome 'timeout' (the agent's own deadline), no fault active
      --   6 unknown          anything else (a reset, a refused connection, a real 5xx with no fault recorded)
      -- A fault outranks 'cancelled': the deadline that cancelled the attempt was spent waiting on it.
      -- fault_* columns name the event of a service_down or toxic cause; faults_active counts every
      -- fault that overlapped the attempt, so a reader sees when more than one could be blamed.
      CREATE VIEW attempt_causes AS
        WITH failed AS (
          SELECT * FROM tool_calls
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
            FROM attempt_faults af JOIN failed t ON t.id = af.attempt_row
        )
        SELECT t.id AS attempt_row, t.run_id, t.prompt_index, t.prompt_attempt, t.call_id, t.attempt_id, t.tool, t.service,
               t.attempt, t.via, t.outcome, t.http_status, t.simulated, t.started_at, t.duration_ms,
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
          LEFT JOIN ranked r ON r.attempt_row = t.id AND r.fault_rank = 1;

      -- One row per prompt result that did not end well (failed, wrong, unhandled, interrupted).
      -- root_cause: the cause of the first failed attempt of the first tool call that ended without an
      -- answer (no attempt 'ok' nor 4xx), over all the prompt's attempts in time order; when no tool call
      -- ended so, the prompt's error_type (model, agent, timeout, …) for a failed or interrupted prompt,
      -- NULL for a wrong or unhandled one. chain: every failed attempt of the prompt in time order, as a
      -- JSON array of {attempt_row, call_id, tool, via, attempt, outcome, http_status, cause, fault_event_id}.
      CREATE VIEW prompt_causes AS
        WITH unanswered AS (
          SELECT run_id, prompt_index, prompt_attempt, call_id, MIN(started_at) AS call_started_at, MIN(id) AS first_row
            FROM tool_calls
           GROUP BY run_id, prompt_index, prompt_attempt, call_id
          HAVING SUM(outcome = 'ok' OR (outcome = 'http_error' AND http_status BETWEEN 400 AND 499)) = 0
        ),
        first_unanswered AS (
          SELECT u.*, ROW_NUMBER() OVER (PARTITION BY u.run_id, u.prompt_index ORDER BY u.call_started_at, u.first_row) AS call_rank
            FROM unanswered u
        ),
        failed AS (
          SELECT * FROM attempt_causes
        ),
        root AS (
          SELECT fu.run_id, fu.prompt_index, ac.attempt_row, ac.call_id, ac.tool, ac.cause, ac.fault_event_id,
                 ROW_NUMBER() OVER (PARTITION BY fu.run_id, fu.prompt_index ORDER BY ac.started_at, ac.attempt_row) AS attempt_rank
            FROM first_unanswered fu
            JOIN failed ac
              ON ac.run_id = fu.run_id AND ac.prompt_index = fu.prompt_index
             AND ac.prompt_attempt = fu.prompt_attempt AND ac.call_id = fu.call_id
           WHERE fu.call_rank = 1
        ),
        -- The chain is built with window functions, not an aggregate's ORDER BY (SQLite 3.44+): the
        -- sqlite3 shell of Debian 12 (3.40) must still read this database.
        ordered_chain AS (
          SELECT run_id, prompt_index,
                 COUNT(*) OVER whole AS failed_attempts,
                 json_group_array(json_object('attempt_row', attempt_row, 'call_id', call_id, 'tool', tool, 'via', via,
                                              'attempt', attempt, 'outcome', outcome, 'http_status', http_status,
                                              'cause', cause, 'fault_event_id', fault_event_id)) OVER whole AS chain,
                 ROW_NUMBER() OVER (PARTITION BY run_id, prompt_index ORDER BY started_at, attempt_row) AS chain_rank
            FROM failed
          WINDOW whole AS (PARTITION BY run_id, prompt_index ORDER BY started_at, attempt_row
                           ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
        ),
        chains AS (
          SELECT run_id, prompt_index, failed_attempts, chain FROM ordered_chain WHERE chain_rank = 1
        )
        SELECT p.run_id, p.prompt_index, p.prompt_id, p.status, p.error_type,
               COALESCE(r.cause, CASE WHEN p.status IN ('failed', 'interrupted') THEN COALESCE(p.error_type, 'unknown') END) AS root_cause,
               r.attempt_row AS root_attempt_row, r.call_id AS root_call_id, r.tool AS root_tool,
               r.fault_event_id AS root_fault_event_id,
               COALESCE(c.failed_attempts, 0) AS failed_attempts,
               COALESCE(c.chain, '[]') AS chain
          FROM prompt_results p
          LEFT JOIN root r ON r.run_id = p.run_id AND r.prompt_index = p.prompt_index AND r.attempt_rank = 1
          LEFT JOIN chains c ON c.run_id = p.run_id AND c.prompt_index = p.prompt_index
         WHERE p.status IN ('failed', 'wrong', 'unhandled', 'interrupted');

      -- One row per fault event: its blast radius. attempts_touched: attempts it could reach (see
      -- attempt_faults) during its window; attempts_failed: those of them that failed (any cause);
      -- attempts_attributed: failed attempts whose cause is this event; prompts_touched: distinct prompts
      -- of those attempts, with their indexes (prompt_indexes, JSON array, of the attempts' runs);
      -- prompts_root_caused: prompts whose root cause is this event.
      CREATE VIEW fault_blast_radius AS
        WITH failed AS (
          SELECT attempt_row, fault_event_id FROM attempt_causes
        ),
        touched AS (
          SELECT af.fault_event_id, COUNT(*) AS attempts_touched, COUNT(fl.attempt_row) AS attempts_failed,
                 COUNT(DISTINCT af.run_id || '/' || af.prompt_index) AS prompts_touched
            FROM attempt_faults af LEFT JOIN failed fl ON fl.attempt_row = af.attempt_row
           GROUP BY af.fault_event_id
        ),
        -- Sorted prompt indexes per event through a window (not an aggregate ORDER BY: see prompt_causes).
        touched_prompts AS (
          SELECT fault_event_id,
                 json_group_array(prompt_index) OVER (PARTITION BY fault_event_id ORDER BY prompt_index
                                                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS prompt_indexes,
                 ROW_NUMBER() OVER (PARTITION BY fault_event_id ORDER BY prompt_index) AS rank
            FROM (SELECT DISTINCT fault_event_id, prompt_index FROM attempt_faults)
        ),
        attributed AS (
          SELECT fault_event_id, COUNT(*) AS attempts FROM failed WHERE fault_event_id IS NOT NULL GROUP BY fault_event_id
        ),
        rooted AS (
          SELECT root_fault_event_id AS fault_event_id, COUNT(*) AS prompts
            FROM prompt_causes WHERE root_fault_event_id IS NOT NULL GROUP BY root_fault_event_id
        )
        SELECT f.id AS fault_event_id, f.run_id, f.kind, f.proxy, f.service, f.name, f.type, f.stream, f.toxicity, f.attributes,
               f.started_at, f.ended_at, f.ended_by,
               COALESCE(t.attempts_touched, 0) AS attempts_touched,
               COALESCE(t.attempts_failed, 0) AS attempts_failed,
               COALESCE(a.attempts, 0) AS attempts_attributed,
               COALESCE(t.prompts_touched, 0) AS prompts_touched,
               COALESCE(tp.prompt_indexes, '[]') AS prompt_indexes,
               COALESCE(r.prompts, 0) AS prompts_root_caused
          FROM fault_events f
          LEFT JOIN touched t ON t.fault_event_id = f.id
          LEFT JOIN touched_prompts tp ON tp.fault_event_id = f.id AND tp.rank = 1
          LEFT JOIN attributed a ON a.fault_event_id = f.id
          LEFT JOIN rooted r ON r.fault_event_id = f.id;
    `,
};
