/**
 * Migration 5. Model calls: one row per HTTP request of a model call, with its LLM fault and Retry-After compliance.
 */
import type { Migration } from '../migration.js';

export const migrationModelCalls: Migration = {
  description: 'model calls: one row per HTTP request of a model call, with its LLM fault and Retry-After compliance',
  sql: `
      -- Each model call the agent makes, one row per HTTP request of it (the model client's own retries
      -- are rows of the same call_index). Written by the agent's model client.
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
};
