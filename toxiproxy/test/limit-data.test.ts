/** The limit_data toxic: exactly N bytes per connection and direction, then the connection closes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addToxic,
  api,
  collect,
  connectTo,
  createProxy,
  pattern,
  readBytes,
  startBlob,
  startEcho,
  startServer,
} from './support/harness.js';

describe('limit_data toxic', async () => {
  const server = await startServer();
  const blob = await startBlob(5000);
  const echo = await startEcho();

  it('delivers exactly 1000 bytes of 5000, then EOF', async () => {
    const port = await createProxy(server, 'limit_1000', blob);
    await addToxic(server, 'limit_1000', { type: 'limit_data', attributes: { bytes: 1000 } });
    const received = await collect(await connectTo(port));
    assert.deepEqual(received.data, pattern(1000));
    assert.equal(received.error, undefined);
  });

  it('counts bytes across chunks and keeps the count when the limit is raised', async () => {
    const port = await createProxy(server, 'limit_echo', echo);
    await addToxic(server, 'limit_echo', { name: 'limit', type: 'limit_data', attributes: { bytes: 150 } });
    const socket = await connectTo(port);
    socket.write(pattern(100));
    await readBytes(socket, 100);
    const raised = await api(server, 'PATCH', '/proxies/limit_echo/toxics/limit', { attributes: { bytes: 250 } });
    assert.equal(raised.status, 200);
    const rest = collect(socket);
    socket.write(pattern(200, 100));
    const received = await rest;
    assert.deepEqual(received.data, pattern(150, 100), 'after 100 of 250 bytes, 150 more pass');
  });

  it('closes at the first chunk with a limit of 0', async () => {
    const port = await createProxy(server, 'limit_zero', echo);
    await addToxic(server, 'limit_zero', { type: 'limit_data', stream: 'upstream', attributes: { bytes: 0 } });
    const socket = await connectTo(port);
    const received = collect(socket);
    socket.write('x');
    assert.equal((await received).data.length, 0);
  });
});
