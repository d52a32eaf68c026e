import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RunSummary, formatSummary } from '../src/index.js';
import { percentile } from '../src/summary.js';

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
      succeeded: 3,
      failed: 2,
      promptAttempts: 7,
      toolAttempts: 12,
      retries: 3,
      fallbacks: 1,
      toolLatencyP50Ms: 8,
      toolLatencyP95Ms: 410,
      errorTypes: { network: 1, server: 1 },
      modelRetries: 0,
      model: 'offline (deterministic)',
      seed: 42,
      durationMs: 14_230,
    };
    assert.equal(
      formatSummary(summary),
      [
        'run r1: completed in 14.2 s (model offline (deterministic), seed 42)',
        'prompts      5: 3 succeeded, 2 failed (7 attempts)',
        'tool calls   12 attempts, 3 retries, 1 fallback; latency p50 8 ms, p95 410 ms',
        'errors       network 1, server 1',
        '',
      ].join('\n'),
    );
    const failed = formatSummary({ ...summary, status: 'failed', errorTypes: {}, toolLatencyP50Ms: null, toolLatencyP95Ms: null, modelRetries: 2, error: 'disk full' });
    assert.match(failed, /2 model retries; latency p50 –, p95 –/);
    assert.match(failed, /errors {7}none\nrun error {4}disk full\n$/);
  });
});
