/**
 * The bandwidth toxic on real sockets: 100 KB/s moves 100,000 bytes in no less than about a second
 * (the pacing), unlimited when rate <= 0. The upper bound only catches a gross slowdown: a loaded
 * machine delays timers; the pacing's precision is a benchmark's figure (`npm run bench`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addToxic, collect, connectTo, createProxy, pattern, startBlob, startServer } from './support/harness.js';

describe('bandwidth toxic', async () => {
  const server = await startServer();
  const blob = await startBlob(100_000);

  it('moves 100,000 bytes at 100 KB/s in 0.95–2 s, every byte intact', async () => {
    const port = await createProxy(server, 'bandwidth_100', blob);
    await addToxic(server, 'bandwidth_100', { type: 'bandwidth', attributes: { rate: 100 } });
    const start = performance.now();
    const received = await collect(await connectTo(port));
    const seconds = (received.lastAt - start) / 1000;
    assert.deepEqual(received.data, pattern(100_000));
    assert.ok(seconds >= 0.95 && seconds <= 2, `took ${seconds.toFixed(3)} s`);
    assert.ok(received.reads > 10, `paced in pieces, got ${received.reads} reads`);
  });

  it('does not limit with rate 0', async () => {
    const port = await createProxy(server, 'bandwidth_0', blob);
    await addToxic(server, 'bandwidth_0', { type: 'bandwidth', attributes: { rate: 0 } });
    const start = performance.now();
    const received = await collect(await connectTo(port));
    assert.equal(received.data.length, 100_000);
    assert.ok(received.endedAt - start < 500, `took ${(received.endedAt - start).toFixed(1)} ms`);
  });
});
