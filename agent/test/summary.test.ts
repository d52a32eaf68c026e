import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { type RunSummary, formatSummary } from '../src/index.js';
import { RunRecords } from '../src/records/records.js';
import { computeSummary, percentile } from '../src/records/summary.js';

describe('summary', () => {
  it('percentile is nearest-rank', () => {
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    assert.equal(percentile(values, 50), 10);
    assert.equal(percentile(values, 95), 19);
    assert.equal(percentile(values, 100), 20);
    assert.equal(percentile([7], 95), 7);
    assert.equal(percentile([], 50), null);
  });

  it('formatSummary says counts, latencies and error types on a few lines', () => {
    const summary: RunSummary = {
      runId: 'r1',
      status: 'completed',
      promptsTotal: 5,
      prompts: { correct: 3, wrong: 0, unhandled: 0, failed: 2, unchecked: 0, interrupted: 0 },
      successRate: 0.6,
      promptAttempts: 7,
      toolAttempts: 12,
      retries: 3,
      fallbacks: 1,
      toolLatencyP50Ms: 8,
      toolLatencyP95Ms: 410,
      errorTypes: { network: 1, server: 1 },
      modelRetries: 0,
      modelRequests: { requests: 0, tokensIn: 0, tokensOut: 0, faults: 0, withTokens: 0 },
      model: 'offline (deterministic)',
      seed: 42,
      durationMs: 14_230,
    };
    assert.equal(
      formatSummary(summary),
      [
        'run r1: completed in 14.2 s (model offline (deterministic), seed 42)',
        'prompts      5: 3 correct, 2 failed (7 attempts)',
        'success      60% (3 of 5 checked prompts correct)',
        'tool calls   12 attempts, 3 retries, 1 fallback; latency p50 8 ms, p95 410 ms',
        'errors       network 1, server 1',
        '',
      ].join('\n'),
    );
    const failed = formatSummary({
      ...summary,
      status: 'failed',
      errorTypes: {},
      toolLatencyP50Ms: null,
      toolLatencyP95Ms: null,
      modelRetries: 2,
      error: 'disk full',
    });
    assert.match(failed, /2 model retries; latency p50 –, p95 –/);
    assert.match(failed, /errors {7}none\nrun error {4}disk full\n$/);
    const modelled = formatSummary({
      ...summary,
      modelRequests: { requests: 14, tokensIn: 5210, tokensOut: 388, faults: 2, withTokens: 14 },
    });
    assert.match(modelled, /\nmodel calls {2}14 requests, 2 LLM faults; tokens 5210 in, 388 out\nerrors /);
  });

  it('lists every status a prompt has, and leaves unchecked and interrupted prompts out of the success rate', () => {
    const tmp = makeTempDir('summary-');
    const db = openDatabase(`${tmp.path}/lab.db`);
    try {
      const records = new RunRecords(db, 'r2', () => 1_000);
      records.start({ seed: 1, settings: {}, promptsTotal: 8, model: 'm' });
      const statuses = [
        'correct',
        'correct',
        'wrong',
        'unhandled',
        'failed',
        'unchecked',
        'unchecked',
        'interrupted',
      ] as const;
      statuses.forEach((status, i) => {
        records.addPromptResult({
          promptIndex: i,
          prompt: `p${i}`,
          status,
          attempts: 1,
          answer: null,
          errorType: status === 'failed' ? 'network' : null,
          error: null,
          startedAt: 1_000,
          finishedAt: 1_000,
        });
      });
      const summary = computeSummary(db, {
        runId: 'r2',
        status: 'completed',
        promptsTotal: 8,
        model: 'm',
        seed: 1,
        durationMs: 1_000,
        modelRetries: 0,
      });
      assert.deepEqual(summary.prompts, {
        correct: 2,
        wrong: 1,
        unhandled: 1,
        failed: 1,
        unchecked: 2,
        interrupted: 1,
      });
      assert.equal(summary.successRate, 2 / 5);
      const text = formatSummary(summary);
      assert.match(
        text,
        /^prompts {6}8: 2 correct, 1 wrong, 1 unhandled, 1 failed, 2 unchecked, 1 interrupted \(8 attempts\)$/m,
      );
      assert.match(text, /^success {6}40% \(2 of 5 checked prompts correct; 2 unchecked not counted\)$/m);
      const none = formatSummary({
        ...summary,
        prompts: { ...summary.prompts, correct: 0, wrong: 0, unhandled: 0, failed: 0 },
        successRate: null,
      });
      assert.match(none, /^success {6}– \(no checked prompt; 2 unchecked not counted\)$/m);
    } finally {
      db.close();
      tmp.cleanup();
    }
  });
});
