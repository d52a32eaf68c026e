/**
 * Listen addresses compared and defaulted as Toxiproxy 2.12.0 does (`Proxy.Differs` resolves the new
 * listen with `net.ResolveTCPAddr` before comparing it with the bound one; `net.Listen` of an empty
 * address binds the wildcard on a free port).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, connectTo, roundTrip, startEcho, startServer } from './support/harness.js';

type ProxyShape = { name: string; listen: string; upstream: string; enabled: boolean; toxics: unknown[] };

describe('listen resolution', async () => {
  const server = await startServer();
  const echo = await startEcho();
  const upstream = `127.0.0.1:${echo}`;

  /** Creates a proxy on `127.0.0.1:<free port>` with a latency toxic. @returns its port */
  async function proxyWithToxic(name: string): Promise<number> {
    const created = (
      await api(server, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream })
    ).json() as ProxyShape;
    assert.equal(
      (await api(server, 'POST', `/proxies/${name}/toxics`, { type: 'latency', attributes: { latency: 1 } })).status,
      200,
    );
    return Number(created.listen.split(':')[1]);
  }

  it('/populate keeps a proxy whose listen is written differently but resolves to the bound address', async () => {
    const port = await proxyWithToxic('same_place');
    const socket = await connectTo(port);
    await roundTrip(socket);
    const res = await api(server, 'POST', '/populate', [{ name: 'same_place', listen: `localhost:${port}`, upstream }]);
    assert.equal(res.status, 201, res.text);
    const [kept] = (res.json() as { proxies: ProxyShape[] }).proxies;
    assert.equal(kept!.listen, `127.0.0.1:${port}`);
    assert.equal(kept!.toxics.length, 1, 'toxics kept');
    // Kept means not restarted: the open connection still carries bytes.
    assert.ok((await roundTrip(socket)) < 2000);
    socket.destroy();
  });

  it('/populate still replaces a proxy whose resolved listen differs, dropping its toxics', async () => {
    await proxyWithToxic('moved');
    const res = await api(server, 'POST', '/populate', [{ name: 'moved', listen: 'localhost:0', upstream }]);
    assert.equal(res.status, 201, res.text);
    const [replaced] = (res.json() as { proxies: ProxyShape[] }).proxies;
    assert.equal(replaced!.toxics.length, 0);
  });

  it('/populate answers 500 with the resolver error when an existing proxy gets an unresolvable listen, leaving it as it was', async () => {
    const port = await proxyWithToxic('unresolvable');
    const res = await api(server, 'POST', '/populate', [{ name: 'unresolvable', listen: 'localhost', upstream }]);
    assert.equal(res.status, 500);
    assert.deepEqual(res.json(), { error: 'address localhost: missing port in address', status: 500, proxies: null });
    const shown = (await api(server, 'GET', '/proxies/unresolvable')).json() as ProxyShape;
    assert.equal(shown.listen, `127.0.0.1:${port}`);
    assert.equal(shown.enabled, true);
    assert.equal(shown.toxics.length, 1);
  });

  it('an update naming the bound address differently does not restart the proxy', async () => {
    const port = await proxyWithToxic('patched');
    const socket = await connectTo(port);
    await roundTrip(socket);
    const res = await api(server, 'PATCH', '/proxies/patched', { listen: `localhost:${port}` });
    assert.equal(res.status, 200, res.text);
    assert.equal((res.json() as ProxyShape).listen, `127.0.0.1:${port}`);
    assert.ok((await roundTrip(socket)) < 2000, 'the open connection survived');
    socket.destroy();
    const bad = await api(server, 'PATCH', '/proxies/patched', { listen: 'nowhere' });
    assert.equal(bad.status, 500);
    assert.deepEqual(bad.json(), { error: 'address nowhere: missing port in address', status: 500 });
    assert.equal(((await api(server, 'GET', '/proxies/patched')).json() as ProxyShape).enabled, true);
  });

  it('POST /proxies without listen answers 201 and listens on a free port of the wildcard address', async () => {
    const res = await api(server, 'POST', '/proxies', { name: 'anywhere', upstream });
    assert.equal(res.status, 201, res.text);
    const { listen } = res.json() as ProxyShape;
    const match = /^(\[::\]|0\.0\.0\.0):(\d+)$/.exec(listen);
    assert.ok(match, `listen ${listen}`);
    assert.ok(Number(match[2]) > 0);
    const socket = await connectTo(Number(match[2]));
    assert.ok((await roundTrip(socket)) < 2000);
    socket.destroy();
  });

  it('a disabled proxy created without listen keeps the empty listen until enabled', async () => {
    const res = await api(server, 'POST', '/proxies', { name: 'later', upstream, enabled: false });
    assert.equal(res.status, 201);
    assert.equal((res.json() as ProxyShape).listen, '');
    const enabled = await api(server, 'PATCH', '/proxies/later', { enabled: true });
    assert.equal(enabled.status, 200, enabled.text);
    assert.match((enabled.json() as ProxyShape).listen, /^(\[::\]|0\.0\.0\.0):\d+$/);
  });
});
