/**
 * Migration 7. Service requests: every request a tool service or the model server received, for agents the lab
 * cannot see inside.
 */
import type { Migration } from '../migration.js';

export const migrationServiceRequests: Migration = {
  description:
    'service requests: every request a tool service or the model server received, for agents the lab cannot see inside',
  sql: `
      -- The services' own record of the requests they received
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
};
