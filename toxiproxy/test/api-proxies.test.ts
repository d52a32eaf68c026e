/** Proxy endpoints over raw HTTP: shapes, defaults, updates that restart, populate's keep-or-replace rules, reset. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, collect, connectTo, roundTrip, startEcho, startServer } from './support/harness.js';

type ProxyShape = { name: string; listen: string; upstream: string; enabled: boolean; toxics: unknown[] };

describe('proxy endpoints', async () => {
  const server = await startServer();
  const echo = await startEcho();
  const echo2 = await startEcho();
  const upstream = `127.0.0.1:${echo}`;

  it('GET /version answers 2.12.0 as Toxiproxy writes it', async () => {
    const res = await api(server, 'GET', '/version');
    assert.equal(res.status, 200);
    assert.equal(res.text, '{"version": "2.12.0"}\n');
    assert.equal(res.headers.get('content-type'), 'application/json;charset=utf-8');
  });

  it('creates with 201, reporting the bound address and enabled by default', async () => {
    assert.equal((await api(server, 'GET', '/proxies')).text, '{}');
    const res = await api(server, 'POST', '/proxies', { name: 'web', listen: 'localhost:0', upstream });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = res.json() as ProxyShape;
    assert.match(body.listen, /^127\.0\.0\.1:\d+$/);
    assert.equal(
      res.text,
      `{"name":"web","listen":"${body.listen}","upstream":"${upstream}","enabled":true,"toxics":[]}`,
    );
    const shown = await api(server, 'GET', '/proxies/web');
    assert.equal(shown.text, res.text);
  });

  it('lists proxies keyed by name, in name order', async () => {
    await api(server, 'POST', '/proxies', { name: 'alpha', listen: '127.0.0.1:0', upstream });
    const res = await api(server, 'GET', '/proxies');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json() as object), ['alpha', 'web']);
  });

  it('keeps omitted fields on update, with POST and PATCH alike', async () => {
    const before = (await api(server, 'GET', '/proxies/alpha')).json() as ProxyShape;
    const res = await api(server, 'POST', '/proxies/alpha', {});
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), before);
    const patched = await api(server, 'PATCH', '/proxies/alpha', { name: 'ignored' });
    assert.deepEqual(patched.json(), before);
  });

  it('restarts on a new upstream: open connections close, new ones reach the new upstream', async () => {
    const created = (
      await api(server, 'POST', '/proxies', { name: 'moving', listen: '127.0.0.1:0', upstream })
    ).json() as ProxyShape;
    const port = Number(created.listen.split(':')[1]);
    const socket = await connectTo(port);
    await roundTrip(socket);
    const closed = collect(socket);
    const res = await api(server, 'PATCH', '/proxies/moving', { upstream: `127.0.0.1:${echo2}` });
    assert.equal(res.status, 200);
    assert.equal((res.json() as ProxyShape).upstream, `127.0.0.1:${echo2}`);
    await closed;
    const again = await connectTo(port);
    assert.ok((await roundTrip(again)) < 1000);
    again.destroy();
  });

  it('moves to a new listen address', async () => {
    const res = await api(server, 'PATCH', '/proxies/moving', { listen: 'localhost:0' });
    assert.equal(res.status, 200);
    assert.match((res.json() as ProxyShape).listen, /^127\.0\.0\.1:\d+$/);
  });

  it('deletes with 204 and no body', async () => {
    const res = await api(server, 'DELETE', '/proxies/moving');
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal((await api(server, 'GET', '/proxies/moving')).status, 404);
  });

  describe('/populate', () => {
    it('creates proxies with 201 and {"proxies": [...]}', async () => {
      const res = await api(server, 'POST', '/populate', [
        { name: 'pop_a', listen: '127.0.0.1:0', upstream },
        { name: 'pop_b', listen: '127.0.0.1:0', upstream, enabled: false },
      ]);
      assert.equal(res.status, 201);
      const { proxies } = res.json() as { proxies: ProxyShape[] };
      assert.deepEqual(
        proxies.map((p) => [p.name, p.enabled]),
        [
          ['pop_a', true],
          ['pop_b', false],
        ],
      );
    });

    it('keeps a proxy with the same listen and upstream (toxics included) and replaces a changed one', async () => {
      const listen = ((await api(server, 'GET', '/proxies/pop_a')).json() as ProxyShape).listen;
      await api(server, 'POST', '/proxies/pop_a/toxics', { type: 'latency', attributes: { latency: 5 } });
      await api(server, 'POST', '/proxies/pop_b/toxics', { type: 'latency', attributes: { latency: 5 } });
      const res = await api(server, 'POST', '/populate', [
        { name: 'pop_a', listen, upstream },
        { name: 'pop_b', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo2}` },
      ]);
      assert.equal(res.status, 201);
      const { proxies } = res.json() as { proxies: ProxyShape[] };
      assert.equal(proxies[0]!.toxics.length, 1, 'kept with its toxic');
      assert.equal(proxies[1]!.toxics.length, 0, 'replaced, toxics gone');
      assert.equal(proxies[1]!.upstream, `127.0.0.1:${echo2}`);
      assert.equal(proxies[1]!.enabled, true);
    });

    it('validates every entry before changing anything', async () => {
      const res = await api(server, 'POST', '/populate', [
        { name: 'pop_c', listen: '127.0.0.1:0', upstream },
        { name: 'pop_d' },
      ]);
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.equal(res.text, '{"error":"missing required field: upstream at proxy 2","status":400,"proxies":null}');
      assert.equal((await api(server, 'GET', '/proxies/pop_c')).status, 404);
      const noName = await api(server, 'POST', '/populate', [{ upstream }]);
      assert.equal(noName.text, '{"error":"missing required field: name at proxy 1","status":400,"proxies":null}');
    });

    it('answers bad bodies in its own shape', async () => {
      for (const [body, error] of [
        ['', 'bad request body: EOF'],
        [
          '{}',
          'bad request body: json: cannot unmarshal object into Go value of type []struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
        ],
      ] as const) {
        const res = await api(server, 'POST', '/populate', body);
        assert.equal(res.status, 400);
        assert.deepEqual(res.json(), { error, status: 400, proxies: null });
      }
      const empty = await api(server, 'POST', '/populate', []);
      assert.equal(empty.status, 201);
      assert.equal(empty.text, '{"proxies":null}');
    });

    it('stops at the first failure, answering with the proxies done so far', async () => {
      const busy = ((await api(server, 'GET', '/proxies/web')).json() as ProxyShape).listen;
      const res = await api(server, 'POST', '/populate', [
        { name: 'pop_e', listen: '127.0.0.1:0', upstream },
        { name: 'pop_f', listen: busy, upstream },
        { name: 'pop_g', listen: '127.0.0.1:0', upstream },
      ]);
      assert.equal(res.status, 500);
      const body = res.json() as { error: string; status: number; proxies: ProxyShape[] };
      assert.equal(body.error, `listen tcp ${busy}: bind: address already in use`);
      assert.deepEqual(
        body.proxies.map((p) => p.name),
        ['pop_e'],
      );
      assert.equal((await api(server, 'GET', '/proxies/pop_g')).status, 404);
    });
  });

  it('POST /reset enables every proxy and removes every toxic', async () => {
    await api(server, 'POST', '/proxies/alpha/toxics', { type: 'timeout', attributes: { timeout: 0 } });
    await api(server, 'POST', '/proxies/alpha', { enabled: false });
    const res = await api(server, 'POST', '/reset');
    assert.equal(res.status, 204);
    const proxies = Object.values((await api(server, 'GET', '/proxies')).json() as Record<string, ProxyShape>);
    assert.ok(
      proxies.every((p) => p.enabled && p.toxics.length === 0),
      JSON.stringify(proxies),
    );
  });
});
