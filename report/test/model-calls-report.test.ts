/**
 * The report's model-call section, from model_calls rows in a real SQLite file: requests and the
 * client's retries, statuses, tokens, LLM faults, Retry-After compliance; nothing for a run without rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { modelCallsHtml } from '../src/html/model-calls-section.js';
import { loadModelCalls, summarizeModelCalls } from '../src/read-model/model-calls.js';

describe('model calls in the report', () => {
  it('sums up the rows of a run', () => {
    const tmp = makeTempDir('model-calls-report-');
    const db = openDatabase(`${tmp.path}/lab.db`);
    try {
      const insert = db.prepare(
        `INSERT INTO model_calls (run_id, call_index, attempt, request_id, provider, model, status, http_status, fault, started_at, latency_ms, ttft_ms,
                                  tokens_in, tokens_out, retry_after_ms, next_wait_ms, retry_after_honored)
         VALUES (?, ?, ?, ?, 'offline', 'm', ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?)`,
      );
      insert.run('r1', 1, 1, 'a#1', 'http_error', 429, 'rate_limit', 5, 4, null, null, 1000, 1200, 1);
      insert.run('r1', 1, 2, 'a#2', 'ok', 200, null, 20, 15, 300, 12, null, null, null);
      insert.run('r1', 2, 1, 'b#1', 'http_error', 503, 'unavailable', 6, 5, null, null, 1000, 400, 0);
      insert.run('r1', 2, 2, 'b#2', 'ok', 200, null, 30, 25, 340, 20, null, null, null);
      insert.run('other', 1, 1, 'c#1', 'ok', 200, null, 1, 1, 1, 1, null, null, null);
      const summary = summarizeModelCalls(loadModelCalls(db, 'r1'));
      assert.deepEqual(summary.byStatus, { http_error: 2, ok: 2 });
      assert.deepEqual(summary.faults, { rate_limit: 1, unavailable: 1 });
      assert.equal(summary.requests, 4);
      assert.equal(summary.retries, 2);
      assert.equal(summary.tokensIn, 640);
      assert.equal(summary.tokensOut, 32);
      assert.deepEqual(summary.retryAfter, { asked: 2, honored: 1, early: 1, noRetry: 0 });
      const html = modelCallsHtml(summary);
      assert.match(html, /<h2>Model calls<\/h2>/);
      assert.match(html, /rate_limit 1, unavailable 1/);
      assert.match(html, /asked 2: waited 1, retried early 1, no retry 0/);
      assert.equal(modelCallsHtml(summarizeModelCalls(loadModelCalls(db, 'none'))), '');
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
