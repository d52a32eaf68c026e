// The measures of a run of an agent over HTTP, read from what the services saw (service_requests tied
// to its prompts): attempt durations, retries (requests after the first of one X-Request-Id call),
// hung calls (the client went away, or no answer recorded) and calls without a result, as for the
// lab's own agent; fallbacks stay the lab's own agent's (a service cannot tell).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { measure } from '../src/index.js';

describe('measures of an agent over HTTP', () => {
  it('counts the requests the services saw as its tool attempts', () => {
    const tmp = makeTempDir('chaos-lab-measures-http-');
    const db = openDatabase(join(tmp.path, 'lab.db'));
    try {
      db.prepare(`INSERT INTO runs (run_id, started_at, status, seed) VALUES ('h', 0, 'completed', 1)`).run();
      const prompt = db.prepare(
        `INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, answer, started_at, finished_at, duration_ms)
         VALUES ('h', ?, 'p', ?, 1, ?, 0, 10, 10)`,
      );
      prompt.run(0, 'correct', 'sunny in New York');
      prompt.run(1, 'wrong', '392');
      const seen = db.prepare(
        `INSERT INTO service_requests (service, method, path, request_id, status, received_at, duration_ms, run_id, prompt_index, prompt_attempt, attribution)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'h', ?, 1, ?)`,
      );
      seen.run('weather', 'GET', '/weather', 'h/p0/a1/c1#1', 200, 100, 40, 0, 'request_id');
      seen.run('model', 'POST', '/v1/chat/completions', null, 200, 50, 900, 0, 'inferred_time');
      for (const n of [1, 2, 3])
        seen.run('calculator', 'POST', '/calculate', `h/p1/a1/c1#${n}`, 503, 200 + n, 5, 1, 'request_id');
      seen.run('search', 'GET', '/search', null, 0, 300, 1500, 1, 'inferred_time');
      // A request no prompt was tied to is not the run's.
      db.prepare(
        `INSERT INTO service_requests (service, method, path, status, received_at, duration_ms) VALUES ('search', 'GET', '/search', 200, 5, 9000)`,
      ).run();

      const m = (metric: Parameters<typeof measure>[2]['metric']) => measure(db, 'h', { metric }, []);
      assert.equal(m('retries'), 2);
      assert.equal(m('fallbacks'), 0);
      assert.equal(m('hung_tool_calls'), 1);
      assert.equal(m('max_tool_call_ms'), 1500);
      assert.equal(m('tool_call_p50_ms'), 5);
      // The wrong answer does not say the calculator and the search failed: an invented result.
      assert.equal(m('invented_results'), 1);
      assert.equal(m('honest_failures'), 0);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
