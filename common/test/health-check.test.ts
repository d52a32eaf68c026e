import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { checkHealth } from '../src/health-check.js';

describe('checkHealth', () => {
  let status = 200;
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => {
    if (status === 0) return void held.push(res); // never answers
    res.statusCode = status;
    res.end(status === 200 ? 'ok' : 'still loading');
  });
  after(() => {
    for (const res of held) res.destroy();
    server.close();
  });
  const url = async () => {
    if (!server.listening) {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
    }
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  };

  it('tells a 2xx, an error status with its body, a late answer and a refused connection apart', async () => {
    const u = await url();
    assert.deepEqual(await checkHealth(u, 1000), { ok: true, status: 200 });
    status = 503;
    assert.deepEqual(await checkHealth(u, 1000), { ok: false, late: false, why: 'HTTP 503', body: 'still loading' });
    status = 0;
    assert.deepEqual(await checkHealth(u, 50), { ok: false, late: true, why: 'no answer within 50 ms' });
    status = 200;
    // Each check on a new connection: once the server is gone the answer is a refusal, not a socket
    // error from a pooled connection it closed.
    assert.equal((await checkHealth(u, 1000)).ok, true);
    server.close();
    server.closeAllConnections();
    for (const res of held.splice(0)) res.destroy();
    await once(server, 'close');
    assert.deepEqual(await checkHealth(u, 1000), { ok: false, late: false, why: 'ECONNREFUSED' });
  });
});
