/** The timeout toxic: drops data, closes after `timeout` ms without data; 0 holds until the toxic is removed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addToxic,
  api,
  collect,
  connectTo,
  createProxy,
  removeToxic,
  startEcho,
  startServer,
} from './support/harness.js';

describe('timeout toxic', async () => {
  const server = await startServer();
  const echo = await startEcho();

  it('drops the data and closes 500 ms after the last chunk', async () => {
    const port = await createProxy(server, 'timeout_500', echo);
    await addToxic(server, 'timeout_500', { type: 'timeout', attributes: { timeout: 500 } });
    const socket = await connectTo(port);
    const received = collect(socket);
    socket.write('first');
    await new Promise((r) => setTimeout(r, 200));
    const lastWrite = performance.now();
    socket.write('second');
    const result = await received;
    assert.equal(result.data.length, 0, 'no echo gets through');
    const closedAfter = result.endedAt - lastWrite;
    assert.ok(closedAfter >= 480 && closedAfter <= 750, `closed ${closedAfter.toFixed(1)} ms after the last chunk`);
  });

  it('with timeout 0 holds the connection until the toxic is removed, which closes it', async () => {
    const port = await createProxy(server, 'timeout_0', echo);
    await addToxic(server, 'timeout_0', { name: 'hold', type: 'timeout', attributes: { timeout: 0 } });
    const socket = await connectTo(port);
    let closed = false;
    const received = collect(socket);
    void received.then(() => (closed = true));
    socket.write('held');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(closed, false, 'still open after 300 ms');
    const removedAt = performance.now();
    await removeToxic(server, 'timeout_0', 'hold');
    const result = await received;
    assert.equal(result.data.length, 0);
    assert.ok(result.endedAt - removedAt < 200, 'closed when the toxic was removed');
  });

  it('does not close connections opened after the toxic is removed', async () => {
    const port = await createProxy(server, 'timeout_after', echo);
    await addToxic(server, 'timeout_after', { name: 't', type: 'timeout', attributes: { timeout: 0 } });
    await removeToxic(server, 'timeout_after', 't');
    const socket = await connectTo(port);
    const res = await api(server, 'GET', '/proxies/timeout_after/toxics');
    assert.equal(res.text, '[]');
    socket.write('ping');
    const reply = await new Promise<Buffer>((r) => socket.once('data', r));
    assert.equal(reply.toString(), 'ping');
    socket.destroy();
  });
});
