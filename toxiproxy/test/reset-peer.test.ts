/** The reset_peer toxic: the client sees ECONNRESET (a real TCP RST), after `timeout` ms. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addToxic, collect, connectTo, createProxy, startEcho, startServer } from './support/harness.js';

describe('reset_peer toxic', async () => {
  const server = await startServer();
  const echo = await startEcho();

  for (const stream of ['downstream', 'upstream'] as const) {
    it(`resets the connection on the first ${stream} data (ECONNRESET)`, async () => {
      const name = `reset_${stream}`;
      const port = await createProxy(server, name, echo);
      await addToxic(server, name, { type: 'reset_peer', stream, attributes: { timeout: 0 } });
      const socket = await connectTo(port);
      const received = collect(socket);
      socket.write('hello');
      const result = await received;
      assert.equal(result.error?.code, 'ECONNRESET');
      assert.equal(result.data.length, 0);
    });
  }

  it('waits `timeout` ms before resetting', async () => {
    const port = await createProxy(server, 'reset_later', echo);
    await addToxic(server, 'reset_later', { type: 'reset_peer', attributes: { timeout: 300 } });
    const socket = await connectTo(port);
    const received = collect(socket);
    const start = performance.now();
    socket.write('hello');
    const result = await received;
    assert.equal(result.error?.code, 'ECONNRESET');
    const after = result.endedAt - start;
    assert.ok(after >= 290 && after <= 600, `reset after ${after.toFixed(1)} ms`);
  });

  it('resets connections opened before the toxic was added', async () => {
    const port = await createProxy(server, 'reset_open', echo);
    const socket = await connectTo(port);
    socket.write('before');
    await new Promise((r) => socket.once('data', r));
    await addToxic(server, 'reset_open', { type: 'reset_peer', attributes: { timeout: 0 } });
    const received = collect(socket);
    socket.write('after');
    assert.equal((await received).error?.code, 'ECONNRESET');
  });
});
