/**
 * The API's error table over raw HTTP: every row's exact body and status, plus 404/405/403, the
 * request-id header and Go's response framing.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { request, type IncomingMessage } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { api, startEcho, startServer } from './support/harness.js';

/** The exact body Toxiproxy's `http.Error` writes for an API error. */
const errorBody = (error: string, status: number) => `${JSON.stringify({ error, status })}\n`;

describe('API errors', async () => {
  const server = await startServer();
  const echo = await startEcho();
  const upstream = `127.0.0.1:${echo}`;
  await api(server, 'POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream });
  await api(server, 'POST', '/proxies/p/toxics', {
    name: 'lat',
    type: 'latency',
    stream: 'upstream',
    attributes: { latency: 1 },
  });

  async function expectError(
    method: string,
    path: string,
    body: unknown,
    status: number,
    error: string,
  ): Promise<void> {
    const res = await api(server, method, path, body);
    assert.equal(res.status, status, `${method} ${path}: ${res.text}`);
    assert.equal(res.text, errorBody(error, status), `${method} ${path}`);
    assert.equal(res.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(res.headers.get('x-toxiproxy-request-id') ?? '', /^[0-9a-v]{20}$/);
  }

  describe('bad request body', () => {
    it('an empty body is EOF, on every endpoint that reads one', async () => {
      await expectError('POST', '/proxies', '', 400, 'bad request body: EOF');
      await expectError('POST', '/proxies/p', '', 400, 'bad request body: EOF');
      await expectError('PATCH', '/proxies/p', '  \n', 400, 'bad request body: EOF');
      await expectError('POST', '/proxies/p/toxics', '', 400, 'bad request body: EOF');
      await expectError('PATCH', '/proxies/p/toxics/lat', '', 400, 'bad request body: EOF');
    });

    it("gives Go's parser detail", async () => {
      await expectError('POST', '/proxies', '{', 400, 'bad request body: unexpected EOF');
      await expectError(
        'POST',
        '/proxies',
        'x',
        400,
        "bad request body: invalid character 'x' looking for beginning of value",
      );
      await expectError(
        'POST',
        '/proxies',
        '{"name" "a"}',
        400,
        `bad request body: invalid character '"' after object key`,
      );
      await expectError(
        'POST',
        '/proxies',
        '{name: 1}',
        400,
        "bad request body: invalid character 'n' looking for beginning of object key string",
      );
      await expectError(
        'POST',
        '/proxies',
        '{"a": tru}',
        400,
        "bad request body: invalid character '}' in literal true (expecting 'e')",
      );
      await expectError(
        'POST',
        '/proxies',
        '[1,]',
        400,
        "bad request body: invalid character ']' looking for beginning of value",
      );
      await expectError(
        'POST',
        '/proxies',
        '{"a": 01}',
        400,
        "bad request body: invalid character '1' after object key:value pair",
      );
      await expectError(
        'POST',
        '/proxies',
        'é',
        400,
        "bad request body: invalid character 'Ã' looking for beginning of value",
      );
      await expectError(
        'POST',
        '/proxies',
        '{"a\u0001": 1}',
        400,
        "bad request body: invalid character '\\x01' in string literal",
      );
      await expectError(
        'POST',
        '/proxies',
        '{"a": "\\q"}',
        400,
        "bad request body: invalid character 'q' in string escape code",
      );
    });

    it('reports wrong types as Go does', async () => {
      await expectError(
        'POST',
        '/proxies',
        { name: 5 },
        400,
        'bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string',
      );
      await expectError(
        'POST',
        '/proxies',
        { name: 'x', upstream, enabled: 'yes' },
        400,
        'bad request body: json: cannot unmarshal string into Go struct field Proxy.enabled of type bool',
      );
      await expectError(
        'POST',
        '/proxies',
        [],
        400,
        'bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy',
      );
      await expectError(
        'PATCH',
        '/proxies/p',
        { listen: 1 },
        400,
        'bad request body: json: cannot unmarshal number into Go struct field Proxy.listen of type string',
      );
      await expectError(
        'POST',
        '/proxies/p/toxics',
        { type: 'latency', toxicity: 'all' },
        400,
        'bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32',
      );
      await expectError(
        'POST',
        '/proxies/p/toxics',
        { type: 'latency', attributes: { latency: 1.5 } },
        400,
        'bad request body: json: cannot unmarshal number 1.5 into Go struct field LatencyToxic.attributes.latency of type int64',
      );
      await expectError(
        'POST',
        '/proxies/p/toxics',
        { type: 'latency', attributes: { latency: '1' } },
        400,
        'bad request body: json: cannot unmarshal string into Go struct field LatencyToxic.attributes.latency of type int64',
      );
      await expectError(
        'POST',
        '/proxies/p/toxics',
        { type: 'latency', attributes: 5 },
        400,
        'bad request body: json: cannot unmarshal number into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic',
      );
      await expectError(
        'PATCH',
        '/proxies/p/toxics/lat',
        '{"attributes": {"jitter": 1e3}}',
        400,
        'bad request body: json: cannot unmarshal number 1e3 into Go struct field LatencyToxic.attributes.jitter of type int64',
      );
      await expectError(
        'POST',
        '/proxies/p/toxics',
        '{"attributes": [], "toxicity": "x"}',
        400,
        'bad request body: json: cannot unmarshal array into Go struct field ToxicWrapper.attributes of type toxics.NoopToxic',
      );
      await expectError(
        'PATCH',
        '/proxies/p/toxics/lat',
        { attributes: 5 },
        400,
        'bad request body: json: cannot unmarshal number into Go struct field .attributes of type toxics.LatencyToxic',
      );
      await expectError(
        'PATCH',
        '/proxies/p/toxics/lat',
        { toxicity: true },
        400,
        'bad request body: json: cannot unmarshal bool into Go struct field .toxicity of type float32',
      );
      await expectError(
        'POST',
        '/proxies/p/toxics',
        '{"type":"bandwidth","attributes":{"rate":9223372036854775808}}',
        400,
        'bad request body: json: cannot unmarshal number 9223372036854775808 into Go struct field BandwidthToxic.attributes.rate of type int64',
      );
    });
  });

  it('missing required field: name, then upstream', async () => {
    await expectError('POST', '/proxies', {}, 400, 'missing required field: name');
    await expectError('POST', '/proxies', 'null', 400, 'missing required field: name');
    await expectError('POST', '/proxies', { name: '', upstream }, 400, 'missing required field: name');
    await expectError('POST', '/proxies', { name: 'q' }, 400, 'missing required field: upstream');
  });

  it('proxy not found on every proxy route', async () => {
    await expectError('GET', '/proxies/nope', undefined, 404, 'proxy not found');
    await expectError('POST', '/proxies/nope', { enabled: false }, 404, 'proxy not found');
    await expectError('PATCH', '/proxies/nope', '', 404, 'proxy not found');
    await expectError('DELETE', '/proxies/nope', undefined, 404, 'proxy not found');
    await expectError('GET', '/proxies/nope/toxics', undefined, 404, 'proxy not found');
    await expectError('POST', '/proxies/nope/toxics', '', 404, 'proxy not found');
    await expectError('GET', '/proxies/nope/toxics/lat', undefined, 404, 'proxy not found');
    await expectError('PATCH', '/proxies/nope/toxics/lat', '', 404, 'proxy not found');
    await expectError('DELETE', '/proxies/nope/toxics/lat', undefined, 404, 'proxy not found');
  });

  it('proxy already exists', async () => {
    await expectError('POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream }, 409, 'proxy already exists');
  });

  it('stream was invalid (case aside), including an empty stream', async () => {
    const message = 'stream was invalid, can be either upstream or downstream';
    await expectError('POST', '/proxies/p/toxics', { type: 'latency', stream: 'sideways' }, 400, message);
    await expectError('POST', '/proxies/p/toxics', { type: 'latency', stream: '' }, 400, message);
    await expectError('POST', '/proxies/p/toxics', { type: 'nope', stream: 'sideways' }, 400, message);
  });

  it('invalid toxic type', async () => {
    await expectError('POST', '/proxies/p/toxics', { type: 'nope' }, 400, 'invalid toxic type');
    await expectError('POST', '/proxies/p/toxics', {}, 400, 'invalid toxic type');
    await expectError('POST', '/proxies/p/toxics', { type: 'Latency' }, 400, 'invalid toxic type');
  });

  it('toxic already exists, across both streams', async () => {
    await expectError(
      'POST',
      '/proxies/p/toxics',
      { name: 'lat', type: 'latency', stream: 'downstream' },
      409,
      'toxic already exists',
    );
    await expectError(
      'POST',
      '/proxies/p/toxics',
      { name: 'lat', type: 'latency', attributes: { latency: 1.5 } },
      409,
      'toxic already exists',
    );
  });

  it('toxic not found', async () => {
    await expectError('GET', '/proxies/p/toxics/nope', undefined, 404, 'toxic not found');
    await expectError('POST', '/proxies/p/toxics/nope', '', 404, 'toxic not found');
    await expectError('DELETE', '/proxies/p/toxics/nope', undefined, 404, 'toxic not found');
  });

  it('a listen failure is a 500 with the bind error', async () => {
    const taken = createServer();
    taken.listen(0, '127.0.0.1');
    await once(taken, 'listening');
    after(() => taken.close());
    const port = (taken.address() as AddressInfo).port;
    await expectError(
      'POST',
      '/proxies',
      { name: 'clash', listen: `127.0.0.1:${port}`, upstream },
      500,
      `listen tcp 127.0.0.1:${port}: bind: address already in use`,
    );
    await expectError(
      'POST',
      '/proxies',
      { name: 'clash', listen: `localhost:${port}`, upstream },
      500,
      `listen tcp 127.0.0.1:${port}: bind: address already in use`,
    );
    await expectError(
      'POST',
      '/proxies',
      { name: 'clash', listen: 'localhost', upstream },
      500,
      'listen tcp: address localhost: missing port in address',
    );
    await expectError(
      'POST',
      '/proxies',
      { name: 'clash', listen: 'localhost:99999', upstream },
      500,
      'listen tcp: address 99999: invalid port',
    );
    await expectError(
      'PATCH',
      '/proxies/p',
      { listen: `127.0.0.1:${port}` },
      500,
      `listen tcp 127.0.0.1:${port}: bind: address already in use`,
    );
    const after500 = await api(server, 'GET', '/proxies/p');
    assert.equal(
      (after500.json() as { enabled: boolean }).enabled,
      false,
      'a proxy that cannot listen is left disabled',
    );
    assert.equal((await api(server, 'GET', '/proxies/clash')).status, 404, 'a proxy that cannot listen is not created');
  });

  describe('routing', () => {
    it("404 for an unknown path, with Go's text", async () => {
      for (const path of ['/nope', '/proxies/p/toxics/lat/extra', '/proxies/', '/Proxies']) {
        const res = await api(server, 'GET', path);
        assert.equal(res.status, 404, path);
        assert.equal(res.text, '404 page not found\n');
      }
    });

    it('405 with an empty body for a known path and another method', async () => {
      for (const [method, path] of [
        ['PUT', '/proxies'],
        ['DELETE', '/version'],
        ['GET', '/reset'],
        ['GET', '/populate'],
        ['PUT', '/proxies/p/toxics'],
      ]) {
        const res = await api(server, method!, path!);
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.text, '');
      }
    });

    it('403 for browsers (User-Agent Mozilla/…)', async () => {
      const res = await api(server, 'GET', '/proxies', undefined, { 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' });
      assert.equal(res.status, 403);
      assert.equal(res.text, 'User agent not allowed\n');
      assert.equal(
        (await api(server, 'GET', '/proxies', undefined, { 'User-Agent': 'curl/8.0 Mozilla/5.0' })).status,
        200,
      );
    });

    it('a request id on every response, different each time', async () => {
      const ids = new Set<string>();
      for (const path of ['/version', '/proxies', '/nope', '/proxies/nope']) {
        const id = (await api(server, 'GET', path)).headers.get('x-toxiproxy-request-id');
        assert.match(id ?? '', /^[0-9a-v]{20}$/, path);
        ids.add(id!);
      }
      assert.equal(ids.size, 4);
    });

    it('redirects an unclean path to its clean form, escaped', async () => {
      // node:http sends the path as written (fetch would normalise dot segments itself).
      const get = (path: string) =>
        new Promise<IncomingMessage>((resolve, reject) => {
          request({ host: server.host, port: server.port, path, headers: { 'User-Agent': 'tests' } }, (res) => {
            res.resume();
            resolve(res);
          })
            .on('error', reject)
            .end();
        });
      for (const [path, location] of [
        ['//proxies', '/proxies'],
        ['/proxies/./p?x=1', '/proxies/p?x=1'],
        ['/%0a/../proxies', '/proxies'],
        ['/a%20b//c%3F', '/a%20b/c%3F'],
      ]) {
        const res = await get(path!);
        assert.equal(res.statusCode, 301, path);
        assert.equal(res.headers.location, location, path);
        assert.match(String(res.headers['x-toxiproxy-request-id']), /^[0-9a-v]{20}$/);
      }
    });
  });
});
