/**
 * Migration 2. Truthful results: prompt verdicts (statuses that say what happened), logical tool calls, attempt ids,
 * fault events (every fault kind in one table; `toxic_events` becomes a view of it) and part heartbeats.
 */
import type { Migration } from '../migration.js';

export const migrationTruthfulResults: Migration = {
  description: 'truthful results: prompt verdicts, logical tool calls, attempt ids, fault events, part heartbeats',
  sql: `
      -- prompt_results: statuses that say what happened. Rows written before this step were never
      -- checked against an expectation: 'succeeded' meant "no tool failed", so they become 'unchecked'.
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

      -- toxic_events generalised into fault_events (one table for every fault kind, the old columns
      -- keeping their meaning); toxic_events stays as a read-only view of the toxics.
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
};
