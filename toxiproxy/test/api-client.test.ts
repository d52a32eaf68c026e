/**
 * The API through toxiproxy-node-client, the client the proxy-manager uses: every call it makes must
 * work unchanged against this server.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Toxiproxy, type ICreateToxicBody, type Latency } from 'toxiproxy-node-client';
import { connectTo, roundTrip, startEcho, startServer } from './support/harness.js';

describe('toxiproxy-node-client', async () => {
  const server = await startServer();
  const echo = await startEcho();
  const client = new Toxiproxy(server.url);
  const upstream = `127.0.0.1:${echo}`;

  it('reads the version', async () => {
    // The client's typings say string; it resolves to the axios response.
    const res = (await client.getVersion()) as unknown as { status: number; data: unknown };
    assert.equal(res.status, 200);
    assert.deepEqual(res.data, { version: '2.12.0' });
  });

  it('creates, gets, lists, updates and removes a proxy', async () => {
    const proxy = await client.createProxy({ name: 'svc', listen: 'localhost:0', upstream });
    assert.equal(proxy.name, 'svc');
    assert.equal(proxy.enabled, true);
    assert.match(proxy.listen, /^127\.0\.0\.1:\d+$/);

    const fetched = await client.get('svc');
    assert.deepEqual(fetched.toJson(), proxy.toJson());
    assert.deepEqual(Object.keys(await client.getAll()), ['svc']);

    const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream });
    assert.equal(down.enabled, false);
    const up = await down.update({ enabled: true, listen: proxy.listen, upstream });
    assert.equal(up.enabled, true);

    await up.remove();
    await assert.rejects(client.get('svc'), (err: Error) => /404/.test(err.message));
  });

  it('adds, reads, updates and removes a toxic that acts on traffic', async () => {
    const proxy = await client.createProxy({ name: 'slow', listen: '127.0.0.1:0', upstream });
    const body: ICreateToxicBody<Latency> = {
      name: 'lag',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 150, jitter: 0 },
    };
    const toxic = await proxy.addToxic(body);
    assert.deepEqual(toxic.toJson(), body);

    const socket = await connectTo(Number(proxy.listen.split(':')[1]));
    assert.ok((await roundTrip(socket)) >= 150);

    const read = await proxy.getToxic<Latency>('lag');
    assert.deepEqual(read.attributes, { latency: 150, jitter: 0 });
    const updated = await read.update({ ...body, attributes: { latency: 0, jitter: 0 } });
    assert.equal(updated.attributes.latency, 0);
    assert.ok((await roundTrip(socket)) < 150);

    await updated.remove();
    await assert.rejects(proxy.getToxic('lag'), (err: Error) => /404/.test(err.message));
    socket.destroy();
  });

  it('populates and resets', async () => {
    const proxies = await client.populate([
      { name: 'one', listen: '127.0.0.1:0', upstream },
      { name: 'two', listen: '127.0.0.1:0', upstream, enabled: false },
    ]);
    assert.deepEqual(Object.keys(proxies).sort(), ['one', 'two']);
    assert.equal(proxies.two!.enabled, false);
    await proxies.one!.addToxic({
      name: 't',
      type: 'timeout',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    } as ICreateToxicBody<unknown>);
    await client.reset();
    const all = await client.getAll();
    assert.equal(all.two!.enabled, true);
    assert.equal((await client.getApi().get(`${server.url}/proxies/one/toxics`)).data.length, 0);
  });

  it('surfaces API errors as rejections with the status', async () => {
    await client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream });
    await assert.rejects(client.createProxy({ name: 'dup', listen: '127.0.0.1:0', upstream }), (err: Error) =>
      /409/.test(err.message),
    );
  });
});
