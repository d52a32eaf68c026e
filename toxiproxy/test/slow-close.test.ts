/** The slow_close toxic: data passes at once, the close comes `delay` ms later. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addToxic, collect, connectTo, createProxy, pattern, startBlob, startServer } from './support/harness.js';

describe('slow_close toxic', async () => {
  const server = await startServer();
  const blob = await startBlob(1000);

  it('delivers the data at once and delays the close by 500 ms', async () => {
    const port = await createProxy(server, 'slow_close', blob);
    await addToxic(server, 'slow_close', { type: 'slow_close', attributes: { delay: 500 } });
    const start = performance.now();
    const received = await collect(await connectTo(port));
    assert.deepEqual(received.data, pattern(1000));
    assert.ok(received.lastAt - start < 200, `data after ${(received.lastAt - start).toFixed(1)} ms`);
    const closeDelay = received.endedAt - received.lastAt;
    assert.ok(closeDelay >= 480 && closeDelay <= 700, `closed ${closeDelay.toFixed(1)} ms after the data`);
  });
});
