/**
 * Migration 1. The first schema: the runs, the agent's control row, prompt results, tool call
 * attempts and toxic events.
 */
import type { Migration } from '../migration.js';

export const migrationFirstTables: Migration = {
  description: 'the first tables: runs, control, prompt_results, tool_calls, toxic_events',
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
};
