/**
 * Bad input never crashes the server: garbage bodies, wrong types, extreme attribute values, a taken
 * listen address, an upstream that refuses. Each gets the reference's answer or a clean close, and
 * every other proxy keeps serving.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { createRandom } from '@chaos-lab/common';
import {
  addToxic,
  api,
  collect,
  connectTo,
  createProxy,
  roundTrip,
  startEcho,
  startServer,
} from './support/harness.js';

describe('bad input', async () => {
  const server = await startServer();
  const echo = await startEcho();
  const healthyPort = await createProxy(server, 'healthy', echo);

  /** The healthy proxy still carries traffic and the API still answers. */
  async function stillServing(): Promise<void> {
    const socket = await connectTo(healthyPort);
    assert.ok((await roundTrip(socket)) < 2000);
    socket.destroy();
    assert.equal((await api(server, 'GET', '/version')).status, 200);
  }

  it('answers random garbage bodies on every endpoint with a 4xx, never a 5xx', async () => {
    const random = createRandom(7);
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      'null',
      'true',
      '1e999',
      '-',
      '0.5',
      '"name"',
      '"type"',
      '"attributes"',
      '\\u00',
      '\u0000',
      ' ',
      'é',
      '"latency"',
      '9223372036854775808',
    ];
    const targets: [string, string][] = [
      ['POST', '/proxies'],
      ['POST', '/populate'],
      ['PATCH', '/proxies/healthy'],
      ['POST', '/proxies/healthy/toxics'],
      ['POST', '/proxies/healthy/toxics/none'],
    ];
    for (let i = 0; i < 150; i++) {
      let body = '';
      const length = random.int(0, 12);
      for (let j = 0; j < length; j++) body += random.pick(pieces);
      const [method, path] = random.pick(targets);
      const res = await api(server, method, path, body);
      assert.ok(res.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${res.text}`);
    }
    await stillServing();
  });

  it('accepts extreme attribute values without hanging the data path', async () => {
    const port = await createProxy(server, 'extreme', echo);
    const toxics = [
      { name: 'a', type: 'latency', attributes: { latency: -1000, jitter: -5 } },
      { name: 'b', type: 'bandwidth', attributes: { rate: -1 } },
      { name: 'c', type: 'slicer', attributes: { average_size: -10, size_variation: -3, delay: -1 } },
      { name: 'd', type: 'slow_close', attributes: { delay: -1 } },
    ];
    for (const toxic of toxics) await addToxic(server, 'extreme', toxic);
    const socket = await connectTo(port);
    assert.ok((await roundTrip(socket, 500)) < 2000);
    socket.destroy();

    const huge = await api(
      server,
      'POST',
      '/proxies/extreme/toxics',
      '{"name":"e","type":"latency","attributes":{"latency":9223372036854775807,"jitter":9223372036854775807}}',
    );
    assert.equal(huge.status, 200);
    const held = await connectTo(port);
    held.write('x');
    await api(server, 'DELETE', '/proxies/extreme/toxics/e');
    held.destroy();
    await stillServing();
  });

  it("answers 100k levels of nested JSON with 400 and Go's max-depth error on every endpoint", async () => {
    const error = (bracket: string) => `bad request body: invalid character '${bracket}' exceeded max depth`;
    const arrays = '['.repeat(100_000) + ']'.repeat(100_000);
    const objects = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    for (const [method, path] of [
      ['POST', '/proxies'],
      ['PATCH', '/proxies/healthy'],
      ['POST', '/proxies/healthy/toxics'],
    ]) {
      for (const [body, bracket] of [
        [arrays, '['],
        [objects, '{'],
      ] as const) {
        const res = await api(server, method!, path!, body);
        assert.equal(res.status, 400, `${method} ${path} ${bracket}: ${res.text.slice(0, 200)}`);
        assert.deepEqual(res.json(), { error: error(bracket), status: 400 });
      }
    }
    const populate = await api(server, 'POST', '/populate', `[{"name":"deep","upstream":"x:1","listen":${arrays}}]`);
    assert.equal(populate.status, 400);
    assert.deepEqual(populate.json(), { error: error('['), status: 400, proxies: null });
    // Up to Go's limit of 10,000 levels the body parses; its type is then wrong, as in Go.
    const deepest = await api(server, 'POST', '/proxies', '['.repeat(10_000) + ']'.repeat(10_000));
    assert.equal(deepest.status, 400);
    assert.deepEqual(deepest.json(), {
      error: 'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy',
      status: 400,
    });
    await stillServing();
  });

  it('refuses a taken listen address with the bind error and keeps serving', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const port = (taken.address() as AddressInfo).port;
    const res = await api(server, 'POST', '/proxies', {
      name: 'clash',
      listen: `127.0.0.1:${port}`,
      upstream: `127.0.0.1:${echo}`,
    });
    taken.close();
    assert.equal(res.status, 500);
    await stillServing();
  });

  it('closes the client cleanly when the upstream refuses', async () => {
    const refusing = createServer();
    refusing.listen(0, '127.0.0.1');
    await once(refusing, 'listening');
    const deadPort = (refusing.address() as AddressInfo).port;
    refusing.close();
    await once(refusing, 'close');
    const port = await createProxy(server, 'refused', deadPort);
    const received = await collect(await connectTo(port));
    assert.equal(received.data.length, 0);
    await stillServing();
  });

  it('closes the client when the upstream address cannot be read', async () => {
    const res = await api(server, 'POST', '/proxies', {
      name: 'nonsense',
      listen: '127.0.0.1:0',
      upstream: 'no-port-here',
    });
    assert.equal(res.status, 201, 'the upstream is not checked at creation');
    const port = Number((res.json() as { listen: string }).listen.split(':')[1]);
    const received = await collect(await connectTo(port));
    assert.equal(received.data.length, 0);
    await stillServing();
  });

  it('survives clients that reset mid-stream', async () => {
    const port = await createProxy(server, 'rude', echo);
    await addToxic(server, 'rude', { type: 'latency', attributes: { latency: 50 } });
    for (let i = 0; i < 5; i++) {
      const socket = await connectTo(port);
      socket.write(Buffer.alloc(64 * 1024, i));
      socket.resetAndDestroy();
    }
    await stillServing();
  });
});
