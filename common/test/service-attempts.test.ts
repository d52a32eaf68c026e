// tool_attempts over the services' records: a request the service answered but the agent sent again
// is `lost` (its answer did not reach the agent) and counts as failed; the last one is `ok`.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';

const tmp = makeTempDir('chaos-lab-service-attempts-');
after(() => tmp.cleanup());

describe('tool_attempts seen at the service', () => {
  it('an answered request the agent sent again is lost and failed; the answered retry is ok', () => {
    const db = openDatabase(join(tmp.path, 'lab.db'));
    const request = db.prepare(
      `INSERT INTO service_requests (service, method, path, request_id, status, received_at, duration_ms, run_id, prompt_index, prompt_attempt, attribution)
       VALUES ('weather', 'GET', '/weather', ?, ?, ?, 3, 'r', 0, 1, 'request_id')`,
    );
    request.run('r/p0/a1/c1#1', 200, 1000);
    request.run('r/p0/a1/c1#2', 200, 1300);
    request.run('r/p0/a1/c2#1', 503, 1400);
    const rows = db
      .prepare("SELECT call_id, attempt, outcome, failed FROM tool_attempts WHERE run_id = 'r' ORDER BY started_at")
      .all();
    assert.deepEqual(rows, [
      { call_id: 'r/p0/a1/c1', attempt: 1, outcome: 'lost', failed: 1 },
      { call_id: 'r/p0/a1/c1', attempt: 2, outcome: 'ok', failed: 0 },
      { call_id: 'r/p0/a1/c2', attempt: 1, outcome: 'http_error', failed: 1 },
    ]);
    db.close();
  });
});
