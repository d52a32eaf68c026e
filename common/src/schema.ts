/**
 * The database schema, as an ordered list of migrations (DESIGN.md "State").
 *
 * `PRAGMA user_version` holds the number of migrations applied. To change the schema, append a
 * migration; never edit one that has shipped, so databases from earlier versions upgrade in place
 * without losing rows. Times are integer milliseconds since the epoch (UTC); durations are ms.
 */

/** One schema step: SQL applied in a single immediate transaction. */
export interface Migration {
  /** What the step does, for logs. */
  readonly description: string;
  /** The SQL to run. */
  readonly sql: string;
}

/** Every migration, in order. `MIGRATIONS.length` is the current schema version. */
export const MIGRATIONS: readonly Migration[] = [
  {
    description: 'the five tables of DESIGN.md',
    sql: `
      CREATE TABLE runs (
        run_id            TEXT PRIMARY KEY,
        started_at        INTEGER NOT NULL,
        finished_at       INTEGER,
        status            TEXT NOT NULL DEFAULT 'running'
                          CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        seed              INTEGER NOT NULL,
        settings          TEXT NOT NULL DEFAULT '{}',
        prompts_total     INTEGER NOT NULL DEFAULT 0,
        prompts_succeeded INTEGER NOT NULL DEFAULT 0,
        prompts_failed    INTEGER NOT NULL DEFAULT 0,
        model             TEXT,
        error             TEXT
      );
      CREATE TABLE control (
        run_id         TEXT PRIMARY KEY REFERENCES runs(run_id),
        phase          TEXT NOT NULL CHECK (phase IN ('starting', 'active', 'idle', 'done')),
        current_prompt INTEGER,
        heartbeat_at   INTEGER NOT NULL,
        updated_at     INTEGER NOT NULL
      );
      CREATE TABLE prompt_results (
        id           INTEGER PRIMARY KEY,
        run_id       TEXT NOT NULL REFERENCES runs(run_id),
        prompt_index INTEGER NOT NULL,
        prompt       TEXT NOT NULL,
        status       TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
        attempts     INTEGER NOT NULL,
        answer       TEXT,
        error_type   TEXT CHECK (error_type IN ('network', 'server', 'tool_limit', 'model', 'agent', 'timeout', 'interrupted')),
        error        TEXT,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER NOT NULL,
        duration_ms  INTEGER NOT NULL,
        UNIQUE (run_id, prompt_index)
      );
      CREATE TABLE tool_calls (
        id             INTEGER PRIMARY KEY,
        run_id         TEXT NOT NULL REFERENCES runs(run_id),
        prompt_index   INTEGER NOT NULL,
        prompt_attempt INTEGER NOT NULL,
        call_id        TEXT NOT NULL,
        tool           TEXT NOT NULL,
        service        TEXT NOT NULL,
        attempt        INTEGER NOT NULL,
        via            TEXT NOT NULL CHECK (via IN ('proxy', 'direct')),
        outcome        TEXT NOT NULL CHECK (outcome IN ('ok', 'http_error', 'timeout', 'connection_error', 'reset')),
        http_status    INTEGER,
        started_at     INTEGER NOT NULL,
        duration_ms    INTEGER NOT NULL,
        error          TEXT
      );
      CREATE INDEX tool_calls_run ON tool_calls (run_id, started_at);
      CREATE TABLE toxic_events (
        id          INTEGER PRIMARY KEY,
        run_id      TEXT,
        proxy       TEXT NOT NULL,
        name        TEXT NOT NULL,
        type        TEXT NOT NULL,
        stream      TEXT NOT NULL CHECK (stream IN ('upstream', 'downstream')),
        toxicity    REAL NOT NULL,
        attributes  TEXT NOT NULL DEFAULT '{}',
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER
      );
      CREATE INDEX toxic_events_run ON toxic_events (run_id, started_at);
      CREATE INDEX toxic_events_open ON toxic_events (ended_at) WHERE ended_at IS NULL;
    `,
  },
  {
    description: 'truthful results: prompt verdicts, logical tool calls, attempt ids, fault events, part heartbeats',
    sql: `
      -- prompt_results: statuses that say what happened (issue "Truthful results"). Rows written
      -- before this step were never checked against an expectation: 'succeeded' meant "no tool
      -- failed", so they become 'unchecked'.
      CREATE TABLE prompt_results_v2 (
        id           INTEGER PRIMARY KEY,
        run_id       TEXT NOT NULL REFERENCES runs(run_id),
        prompt_index INTEGER NOT NULL,
        prompt_id    TEXT,
        tags         TEXT NOT NULL DEFAULT '[]',
        prompt       TEXT NOT NULL,
        status       TEXT NOT NULL
                     CHECK (status IN ('correct', 'unchecked', 'wrong', 'unhandled', 'failed', 'interrupted')),
        attempts     INTEGER NOT NULL,
        answer       TEXT,
        expectation  TEXT,
        verdict      TEXT,
        error_type   TEXT CHECK (error_type IN ('network', 'server', 'tool_limit', 'model', 'agent', 'timeout', 'interrupted')),
        error        TEXT,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER NOT NULL,
        duration_ms  INTEGER NOT NULL,
        UNIQUE (run_id, prompt_index)
      );
      INSERT INTO prompt_results_v2 (id, run_id, prompt_index, prompt, status, attempts, answer, verdict, error_type, error,
                                     started_at, finished_at, duration_ms)
        SELECT id, run_id, prompt_index, prompt,
               CASE WHEN status = 'succeeded' THEN 'unchecked' WHEN error_type = 'interrupted' THEN 'interrupted' ELSE 'failed' END,
               attempts, answer,
               CASE WHEN status = 'succeeded' THEN 'not checked: recorded before prompt verdicts existed' END,
               error_type, error, started_at, finished_at, duration_ms
          FROM prompt_results;
      DROP TABLE prompt_results;
      ALTER TABLE prompt_results_v2 RENAME TO prompt_results;

      -- runs: one count per prompt status; prompts_succeeded becomes prompts_correct.
      ALTER TABLE runs RENAME COLUMN prompts_succeeded TO prompts_correct;
      ALTER TABLE runs ADD COLUMN prompts_unchecked   INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN prompts_wrong       INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN prompts_unhandled   INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN prompts_interrupted INTEGER NOT NULL DEFAULT 0;
      UPDATE runs SET prompts_unchecked = prompts_correct, prompts_correct = 0;
      UPDATE runs SET prompts_interrupted = (SELECT COUNT(*) FROM prompt_results p WHERE p.run_id = runs.run_id AND p.status = 'interrupted'),
                      prompts_failed      = (SELECT COUNT(*) FROM prompt_results p WHERE p.run_id = runs.run_id AND p.status = 'failed');

      -- tool_calls stays one row per attempt. New: the attempt's own request id (X-Request-Id, written
      -- in the tool service's access log), whether the service marked its answer as a simulated error,
      -- the backoff waited before the attempt and the server's Retry-After; outcomes 'closed' (the
      -- connection closed without a response) and 'cancelled' (the prompt's deadline or the run's
      -- interruption stopped it).
      CREATE TABLE tool_calls_v2 (
        id             INTEGER PRIMARY KEY,
        run_id         TEXT NOT NULL REFERENCES runs(run_id),
        prompt_index   INTEGER NOT NULL,
        prompt_attempt INTEGER NOT NULL,
        call_id        TEXT NOT NULL,
        attempt_id     TEXT,
        tool           TEXT NOT NULL,
        service        TEXT NOT NULL,
        attempt        INTEGER NOT NULL,
        via            TEXT NOT NULL CHECK (via IN ('proxy', 'direct')),
        outcome        TEXT NOT NULL CHECK (outcome IN ('ok', 'http_error', 'timeout', 'connection_error', 'reset', 'closed', 'cancelled')),
        http_status    INTEGER,
        simulated      INTEGER NOT NULL DEFAULT 0,
        wait_ms        INTEGER NOT NULL DEFAULT 0,
        retry_after_ms INTEGER,
        started_at     INTEGER NOT NULL,
        duration_ms    INTEGER NOT NULL,
        error          TEXT
      );
      INSERT INTO tool_calls_v2 (id, run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome,
                                 http_status, started_at, duration_ms, error)
        SELECT id, run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome,
               http_status, started_at, duration_ms, error
          FROM tool_calls;
      DROP TABLE tool_calls;
      ALTER TABLE tool_calls_v2 RENAME TO tool_calls;
      CREATE INDEX tool_calls_run ON tool_calls (run_id, started_at);
      CREATE INDEX tool_calls_call ON tool_calls (call_id);

      -- One row per logical tool call: what the model asked for and what it got back; its attempts
      -- are the tool_calls rows with the same call_id.
      CREATE TABLE logical_calls (
        call_id        TEXT PRIMARY KEY,
        run_id         TEXT NOT NULL REFERENCES runs(run_id),
        prompt_index   INTEGER NOT NULL,
        prompt_attempt INTEGER NOT NULL,
        tool           TEXT NOT NULL,
        service        TEXT NOT NULL,
        arguments      TEXT NOT NULL DEFAULT '{}',
        status         TEXT NOT NULL CHECK (status IN ('result', 'refused', 'no_result', 'agent_error')),
        attempts       INTEGER NOT NULL,
        http_status    INTEGER,
        result_digest  TEXT,
        result_sha256  TEXT,
        started_at     INTEGER NOT NULL,
        finished_at    INTEGER NOT NULL
      );
      CREATE INDEX logical_calls_run ON logical_calls (run_id, prompt_index);

      -- toxic_events generalised into fault_events (DESIGN.md wave 2: one table for every fault kind,
      -- the old columns keeping their meaning); toxic_events stays as a read-only view of the toxics.
      CREATE TABLE fault_events (
        id          INTEGER PRIMARY KEY,
        run_id      TEXT,
        kind        TEXT NOT NULL DEFAULT 'toxic',
        proxy       TEXT,
        service     TEXT,
        name        TEXT NOT NULL,
        type        TEXT NOT NULL,
        stream      TEXT CHECK (stream IS NULL OR stream IN ('upstream', 'downstream')),
        toxicity    REAL,
        attributes  TEXT NOT NULL DEFAULT '{}',
        started_at  INTEGER NOT NULL,
        ended_at    INTEGER,
        ended_by    TEXT
      );
      INSERT INTO fault_events (id, run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at, ended_at)
        SELECT id, run_id, 'toxic', proxy,
               CASE WHEN proxy LIKE '%\\_proxy' ESCAPE '\\' THEN substr(proxy, 1, length(proxy) - 6) ELSE proxy END,
               name, type, stream, toxicity, attributes, started_at, ended_at
          FROM toxic_events;
      DROP TABLE toxic_events;
      CREATE INDEX fault_events_run ON fault_events (run_id, started_at);
      CREATE INDEX fault_events_open ON fault_events (ended_at) WHERE ended_at IS NULL;
      CREATE VIEW toxic_events AS
        SELECT id, run_id, proxy, name, type, stream, toxicity, attributes, started_at, ended_at
          FROM fault_events WHERE kind = 'toxic';

      -- Each long-lived part stamps its heartbeat here, so a part that died (kill -9) is known, and
      -- what it left open is closed at its last heartbeat, never at the next start.
      CREATE TABLE parts (
        part         TEXT PRIMARY KEY,
        pid          INTEGER,
        run_id       TEXT,
        started_at   INTEGER NOT NULL,
        heartbeat_at INTEGER NOT NULL,
        stopped_at   INTEGER
      );
    `,
  },
  {
    description: 'attribution views: attempt_faults, attempt_causes, prompt_causes, fault_blast_radius',
    sql: `
      -- Read-only views that name the cause of every failed attempt, the root cause and chain of every
      -- prompt that did not end well, and each fault event's blast radius (issue "Truthful results").
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
  },
  {
    description: 'experiments: fault plans, planned fault events, call announcements, experiment journals',
    sql: `
      -- The fault plan of a run (issue "Experiments"): written before the run starts by whoever plans
      -- it (chaos-lab run), read by the proxy-manager when the run becomes current, and by the agent,
      -- which then announces every tool call attempt to the manager before its first byte is sent.
      -- plan: JSON {faults: [...]} as proxy-manager/src/fault-plan.ts validates it.
      CREATE TABLE fault_plans (
        run_id     TEXT PRIMARY KEY,
        plan       TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      -- Planned fault events: fault names the plan's fault (NULL for the chaos loop's random toxics and
      -- the launcher's service_down), trigger says what fired it (JSON: the trigger's kind and the call,
      -- prompt or tick that fired it). New kinds: http_error (the service answers an HTTP error instead
      -- of its result) and service (a kill, stop, pause or restart of the service's process); new
      -- ended_by values: duration (its time ran out), trigger (its trigger ended it: the next attempt,
      -- another prompt, the window's end), rollback (the run ended, or the manager stopped).
      ALTER TABLE fault_events ADD COLUMN fault TEXT;
      ALTER TABLE fault_events ADD COLUMN trigger TEXT;

      -- Every announcement of a tool call attempt to the proxy-manager (POST /calls), with the planned
      -- faults active on its service when the manager acknowledged it.
      CREATE TABLE call_announcements (
        id           INTEGER PRIMARY KEY,
        run_id       TEXT NOT NULL,
        prompt_index INTEGER NOT NULL,
        tool         TEXT NOT NULL,
        call_id      TEXT NOT NULL,
        attempt      INTEGER NOT NULL,
        at           INTEGER NOT NULL,
        faults       TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX call_announcements_run ON call_announcements (run_id, at);

      -- Experiments and their journal (chaos-lab run): the file as run, the seed, each variant's run,
      -- each check's value and whether it held, the verdict (held, deviated, error, interrupted).
      CREATE TABLE experiments (
        experiment_id TEXT PRIMARY KEY,
        title         TEXT NOT NULL,
        file          TEXT NOT NULL,
        source        TEXT NOT NULL,
        seed          INTEGER NOT NULL,
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER,
        verdict       TEXT CHECK (verdict IS NULL OR verdict IN ('held', 'deviated', 'error', 'interrupted')),
        journal       TEXT
      );
      CREATE TABLE experiment_variants (
        experiment_id TEXT NOT NULL REFERENCES experiments(experiment_id),
        variant       TEXT NOT NULL,
        position      INTEGER NOT NULL,
        run_id        TEXT,
        exit_code     INTEGER,
        verdict       TEXT CHECK (verdict IS NULL OR verdict IN ('held', 'deviated', 'error', 'interrupted')),
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER,
        PRIMARY KEY (experiment_id, variant)
      );
      CREATE TABLE experiment_checks (
        experiment_id TEXT NOT NULL REFERENCES experiments(experiment_id),
        variant       TEXT NOT NULL,
        check_index   INTEGER NOT NULL,
        metric        TEXT NOT NULL,
        value         REAL,
        bound         REAL,
        tolerance     TEXT NOT NULL,
        held          INTEGER NOT NULL,
        PRIMARY KEY (experiment_id, variant, check_index)
      );

    `,
  },
  {
    description: 'model calls: one row per HTTP request of a model call, with its LLM fault and Retry-After compliance',
    sql: `
      -- Issue "The model boundary": each model call the agent makes, one row per HTTP request of it
      -- (the model client's own retries are rows of the same call_index). Written by agent/src/model-calls.ts.
      -- status: ok | http_error (an HTTP error status) | timeout (the client gave up) | network (no
      -- whole response: refused, reset, closed, cut mid-body) | malformed (a 2xx body or stream that is
      -- not a completion) | cancelled (the prompt's deadline or the run's interruption stopped it) |
      -- pending (the client never finished reading it).
      -- ttft_ms: time to the first body byte. tokens_in / tokens_out: the answer's usage.
      -- fault / fault_event_id: the LLM fault the gateway injected into this request (fault_events kind
      -- 'llm' whose attributes.request_id = request_id), NULL when none.
      -- retry_after_ms: the Retry-After the response asked for (429 / 503); next_wait_ms: how long the
      -- client waited after this response before its next request of the same call (NULL: it sent none);
      -- retry_after_honored: 1 when it waited at least retry_after_ms, 0 when less, NULL when not asked.
      CREATE TABLE model_calls (
        id                  INTEGER PRIMARY KEY,
        run_id              TEXT NOT NULL,
        prompt_index        INTEGER,
        prompt_attempt      INTEGER,
        call_index          INTEGER NOT NULL,
        attempt             INTEGER NOT NULL,
        request_id          TEXT NOT NULL,
        provider            TEXT NOT NULL,
        model               TEXT NOT NULL,
        status              TEXT NOT NULL,
        http_status         INTEGER,
        error               TEXT,
        fault               TEXT,
        fault_event_id      INTEGER,
        started_at          INTEGER NOT NULL,
        latency_ms          INTEGER NOT NULL,
        ttft_ms             INTEGER,
        tokens_in           INTEGER,
        tokens_out          INTEGER,
        retry_after_ms      INTEGER,
        next_wait_ms        INTEGER,
        retry_after_honored INTEGER
      );
      CREATE INDEX model_calls_run ON model_calls (run_id, prompt_index, prompt_attempt);
    `,
  },
  // migration for issue 15
  {
    description: 'knowledge: what the lab learnt from its runs, per target × fault kind × attribute band',
    sql: `
      -- Issue "Learn from runs": written by knowledge/ (chaos-lab knowledge), a full rebuild from the
      -- record each time (DELETE then INSERT in one transaction), so it never drifts from the runs.
      -- One row per target (a tool service, or model) × fault kind (toxic:<type>, http_error,
      -- service:<action>, service_down, llm:<kind>) × attribute band (knowledge/src/bands.ts); band_group
      -- and band_rank order the bands of one attribute (adjacent ranks are neighbours).
      -- prompts_checked: exposed prompts with a verdict (correct, wrong, unhandled, failed); success_low /
      -- success_high: its 95% Wilson score interval. failed_calls / recovered_calls: calls with a failed
      -- attempt the fault touched / of those, calls that still got a result. duplicate_side_effects: the
      -- experiments' duplicate_side_effects values of the runs (NULL when never measured).
      -- bystander_prompts / bystander_failures: prompts that ran during a fault of the key without using
      -- its target / of those, the ones that did not end well (failed, wrong, unhandled).
      -- hypothesis_tolerance: the strictest prompt_success_rate bound an experiment checked these runs with.
      CREATE TABLE knowledge (
        target                  TEXT NOT NULL,
        fault_kind              TEXT NOT NULL,
        band                    TEXT NOT NULL,
        band_group              TEXT NOT NULL,
        band_rank               INTEGER NOT NULL,
        fault_events            INTEGER NOT NULL,
        runs                    INTEGER NOT NULL,
        prompts_exposed         INTEGER NOT NULL,
        prompts_checked         INTEGER NOT NULL,
        prompts_correct         INTEGER NOT NULL,
        success_rate            REAL,
        success_low             REAL,
        success_high            REAL,
        failed_calls            INTEGER NOT NULL,
        recovered_calls         INTEGER NOT NULL,
        recovery_rate           REAL,
        attempts                INTEGER NOT NULL,
        attempt_p95_ms          REAL,
        prompt_p95_ms           REAL,
        duplicate_side_effects  INTEGER,
        bystander_prompts       INTEGER NOT NULL,
        bystander_failures      INTEGER NOT NULL,
        hypothesis_tolerance    REAL,
        first_seen              INTEGER NOT NULL,
        last_seen               INTEGER NOT NULL,
        PRIMARY KEY (target, fault_kind, band)
      );
      -- One row per rebuild: when, from how much, how long it took.
      CREATE TABLE knowledge_builds (
        id           INTEGER PRIMARY KEY,
        built_at     INTEGER NOT NULL,
        runs         INTEGER NOT NULL,
        experiments  INTEGER NOT NULL,
        fault_events INTEGER NOT NULL,
        keys         INTEGER NOT NULL,
        build_ms     INTEGER NOT NULL
      );
    `,
  },
  // migration for issue 13
  {
    description: 'service requests: every request a tool service or the model server received, for agents the lab cannot see inside',
    sql: `
      -- Issue "Bring your own agent": the services' own record of the requests they received
      -- (SERVICE_REQUESTS), written by common/src/service-requests.ts in the tool services and the model
      -- server: a row on arrival (status NULL), completed when the response ends (status 0: the client
      -- went away first). service: a tool service name, or 'model'. request_id: the client's
      -- X-Request-Id, NULL when it sent none. arguments: the request's query and JSON body merged (tool
      -- services only). run_id, prompt_index, prompt_attempt: filled by the lab after each prompt attempt
      -- of an agent over HTTP (agent/src/under-test), with attribution saying how: 'request_id' (the
      -- X-Request-Id carried the attempt's prefix) or 'inferred_time' (it arrived while the attempt ran;
      -- prompts run one at a time, so this is an inference, not an observation).
      CREATE TABLE service_requests (
        id             INTEGER PRIMARY KEY,
        service        TEXT NOT NULL,
        method         TEXT NOT NULL,
        path           TEXT NOT NULL,
        request_id     TEXT,
        arguments      TEXT,
        status         INTEGER,
        received_at    INTEGER NOT NULL,
        duration_ms    INTEGER,
        run_id         TEXT,
        prompt_index   INTEGER,
        prompt_attempt INTEGER,
        attribution    TEXT
      );
      CREATE INDEX service_requests_received ON service_requests (received_at);
      CREATE INDEX service_requests_run ON service_requests (run_id, prompt_index, prompt_attempt);
    `,
  },
  // migration for issue 15 (breaking points)
  {
    description: 'breaking points: the result of each chaos-lab breaking-point search',
    sql: `
      -- Issue "Learn from runs" (explore/src/breaking-point.ts): one row per search of one fault's
      -- attribute (or toxicity) on one target for the value where a hypothesis check starts to fail.
      -- target: the service; fault_kind: 'toxic'; toxic_type, stream: the toxic searched;
      -- attribute: its attribute (e.g. 'latency') or 'toxicity'; unit: ms, KB/s, bytes or probability.
      -- range_from / range_to: the searched range, from the value expected to hold towards the value
      -- expected to fail (range_from > range_to when smaller is worse, e.g. bandwidth's rate).
      -- check_text: the hypothesis check as written (e.g. 'prompt_success_rate >= 0.8'); metric, op
      -- ('atLeast', 'atMost', 'equals') and bound: the same, parsed.
      -- rule: when a step counts as failing ('majority' of its repeats deviated, or 'wilson': the 95 %
      -- Wilson interval of the pooled prompt success lies wholly below the bound); repeats: runs per
      -- step (repeat i uses seed + i).
      -- seed: the search's seed; prompt_ids: JSON list of the prompts' ids (or 1-based positions);
      -- settings: JSON of the settings given to every run.
      -- last_pass: the largest (towards range_to) value tested that held, NULL when none held;
      -- first_fail: the smallest value tested that failed, NULL when none failed. The breaking point
      -- lies between them. status: 'found' (both tested), 'holds' (no tested value failed), 'fails'
      -- (every tested value failed), 'error' (a lab run failed; steps says which).
      -- steps: JSON list, in search order, of {value, failed, runs: [{runId, seed, value, outcome}]}.
      CREATE TABLE breaking_points (
        id           INTEGER PRIMARY KEY,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER NOT NULL,
        target       TEXT NOT NULL,
        fault_kind   TEXT NOT NULL,
        toxic_type   TEXT NOT NULL,
        stream       TEXT NOT NULL CHECK (stream IN ('upstream', 'downstream')),
        attribute    TEXT NOT NULL,
        unit         TEXT NOT NULL,
        range_from   REAL NOT NULL,
        range_to     REAL NOT NULL,
        check_text   TEXT NOT NULL,
        metric       TEXT NOT NULL,
        op           TEXT NOT NULL CHECK (op IN ('atLeast', 'atMost', 'equals')),
        bound        REAL NOT NULL,
        rule         TEXT NOT NULL CHECK (rule IN ('majority', 'wilson')),
        repeats      INTEGER NOT NULL,
        seed         INTEGER NOT NULL,
        prompt_ids   TEXT NOT NULL,
        settings     TEXT NOT NULL,
        last_pass    REAL,
        first_fail   REAL,
        status       TEXT NOT NULL CHECK (status IN ('found', 'holds', 'fails', 'error')),
        steps        TEXT NOT NULL
      );
      CREATE INDEX breaking_points_target ON breaking_points (target, toxic_type, attribute);
    `,
  },
  // migration for issue 14
  {
    description: 'steering changes: chaos paused or resumed, TOXIC_PROB, ERROR_PROB or TOXICS changed, or an abort asked, while a run goes',
    sql: `
      -- Issue "Watch and steer a run": one row per change made through the proxy-manager's
      -- /steering API (common/src/steering.ts), so a replay knows what was in force when.
      -- setting: CHAOS (value "paused" | "running"), TOXIC_PROB, ERROR_PROB (a number), TOXICS (a
      -- JSON list of toxic types), ABORT (value "requested"). value / previous: JSON, previous being
      -- what was in force before (NULL for ABORT). The latest row of a setting for a run is in force.
      CREATE TABLE steering_changes (
        id       INTEGER PRIMARY KEY,
        run_id   TEXT NOT NULL,
        at       INTEGER NOT NULL,
        setting  TEXT NOT NULL CHECK (setting IN ('CHAOS', 'TOXIC_PROB', 'ERROR_PROB', 'TOXICS', 'ABORT')),
        value    TEXT NOT NULL,
        previous TEXT,
        source   TEXT NOT NULL
      );
      CREATE INDEX steering_changes_run ON steering_changes (run_id, setting, id);
    `,
  },
];
