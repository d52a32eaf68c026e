/** The slicer toxic: every byte arrives, in order, in many small reads; size 0 neither hangs nor loses data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addToxic, collect, connectTo, createProxy, pattern, startBlob, startServer } from './support/harness.js';

describe('slicer toxic', async () => {
  const server = await startServer();
  const blob = await startBlob(2000);

  it('delivers every byte in many small reads', async () => {
    const port = await createProxy(server, 'slicer', blob);
    await addToxic(server, 'slicer', {
      type: 'slicer',
      attributes: { average_size: 20, size_variation: 10, delay: 1000 },
    });
    const received = await collect(await connectTo(port));
    assert.deepEqual(received.data, pattern(2000));
    assert.ok(received.reads >= 20, `${received.reads} reads`);
  });

  it('copes with average_size 0 and size_variation 0 (1-byte pieces, no hang)', async () => {
    const port = await createProxy(server, 'slicer_zero', blob);
    await addToxic(server, 'slicer_zero', {
      type: 'slicer',
      attributes: { average_size: 0, size_variation: 0, delay: 0 },
    });
    const received = await collect(await connectTo(port));
    assert.deepEqual(received.data, pattern(2000));
  });

  it('copes with a variation larger than the average size', async () => {
    const port = await createProxy(server, 'slicer_wide', blob);
    await addToxic(server, 'slicer_wide', {
      type: 'slicer',
      attributes: { average_size: 5, size_variation: 50, delay: 10 },
    });
    const received = await collect(await connectTo(port));
    assert.deepEqual(received.data, pattern(2000));
  });
});
