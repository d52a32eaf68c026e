/**
 * The offline model's simulated think time (`OFFLINE_MODEL_LATENCY_MS`): each call takes about that
 * long, and an aborted call stops waiting at once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HumanMessage } from '@langchain/core/messages';
import { OfflineChatModel } from '../src/offline/index.js';
import { FIXED_NOW } from './support/offline.js';

describe('offline model think time', () => {
  it('waits latencyMs before answering, and nothing when 0', async () => {
    const timed = async (latencyMs: number) => {
      const model = new OfflineChatModel({ now: () => FIXED_NOW, latencyMs });
      const t0 = performance.now();
      await model.invoke([new HumanMessage('What is 2 + 2?')]);
      return performance.now() - t0;
    };
    const slow = await timed(150);
    assert.ok(slow >= 145 && slow < 1000, `150 ms think time took ${slow.toFixed(1)} ms`);
    const fast = await timed(0);
    assert.ok(fast < 100, `no think time took ${fast.toFixed(1)} ms`);
  });

  it('stops waiting when the call is aborted', async () => {
    const model = new OfflineChatModel({ now: () => FIXED_NOW, latencyMs: 10_000 });
    const t0 = performance.now();
    await assert.rejects(model.invoke([new HumanMessage('What is 2 + 2?')], { signal: AbortSignal.timeout(50) }));
    assert.ok(performance.now() - t0 < 2000);
  });
});
