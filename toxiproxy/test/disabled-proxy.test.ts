/** Disabling a proxy (the "down" fault): open connections close, new ones are refused; enabling restores it. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { api, collect, connectTo, createProxy, roundTrip, startEcho, startServer } from './support/harness.js';

describe('disabled proxy', async () => {
  const server = await startServer();
  const echo = await startEcho();

  it('closes open connections, refuses new ones, and serves again once enabled', async () => {
    const port = await createProxy(server, 'down', echo);
    const open = await connectTo(port);
    await roundTrip(open);
    const closed = collect(open);
    const res = await api(server, 'POST', '/proxies/down', { enabled: false });
    assert.equal(res.status, 200);
    assert.equal((res.json() as { enabled: boolean }).enabled, false);
    await closed;

    const refused = connect({ port, host: '127.0.0.1' });
    const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNREFUSED');

    const enabled = await api(server, 'PATCH', '/proxies/down', { enabled: true });
    assert.equal(enabled.status, 200);
    assert.equal(
      (enabled.json() as { listen: string }).listen,
      `127.0.0.1:${port}`,
      'listens on the same address again',
    );
    const again = await connectTo(port);
    assert.ok((await roundTrip(again)) < 1000);
    again.destroy();
  });

  it('a proxy created disabled binds nothing and keeps its listen text', async () => {
    const res = await api(server, 'POST', '/proxies', {
      name: 'born_down',
      listen: 'localhost:0',
      upstream: `127.0.0.1:${echo}`,
      enabled: false,
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.json(), {
      name: 'born_down',
      listen: 'localhost:0',
      upstream: `127.0.0.1:${echo}`,
      enabled: false,
      toxics: [],
    });
  });

  it('deleting a proxy closes its connections', async () => {
    const port = await createProxy(server, 'deleted', echo);
    const open = await connectTo(port);
    await roundTrip(open);
    const closed = collect(open);
    assert.equal((await api(server, 'DELETE', '/proxies/deleted')).status, 204);
    await closed;
    const refused = connect({ port, host: '127.0.0.1' });
    const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    assert.equal(err.code, 'ECONNREFUSED');
  });
});
