/** Server lifecycle: the config file applied at start, a taken API port, and close() ending every listener and connection. */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '@chaos-lab/common/testing';
import { startToxiproxyServer } from '../src/index.js';
import { api, collect, connectTo, createProxy, roundTrip, startEcho, startServer } from './support/harness.js';

describe('server lifecycle', async () => {
  const echo = await startEcho();
  const dir = makeTempDir('toxiproxy-test-');
  after(() => dir.cleanup());

  it('populates proxies from a config file at start', async () => {
    const config = join(dir.path, 'proxies.json');
    writeFileSync(
      config,
      JSON.stringify([{ name: 'from_file', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo}` }]),
    );
    const server = await startServer({ config });
    const res = await api(server, 'GET', '/proxies/from_file');
    assert.equal(res.status, 200);
    assert.equal((res.json() as { enabled: boolean }).enabled, true);
  });

  it('starts anyway when the config file is missing or invalid', async () => {
    const bad = join(dir.path, 'bad.json');
    writeFileSync(bad, '{"not": "an array"}');
    for (const config of [bad, join(dir.path, 'missing.json')]) {
      const server = await startServer({ config });
      assert.equal((await api(server, 'GET', '/proxies')).text, '{}');
    }
  });

  it('rejects with EADDRINUSE when the API port is taken', async () => {
    const server = await startServer();
    await assert.rejects(
      startToxiproxyServer({ port: server.port }),
      (err: NodeJS.ErrnoException) => err.code === 'EADDRINUSE',
    );
  });

  it('close() stops the API, the proxy listeners and every connection', async () => {
    const server = await startToxiproxyServer({ port: 0 });
    const port = await createProxy(server, 'closing', echo);
    const socket = await connectTo(port);
    await roundTrip(socket);
    const closed = collect(socket);
    await server.close();
    await closed;
    for (const target of [port, server.port]) {
      const probe = connect({ port: target, host: '127.0.0.1' });
      const [err] = (await once(probe, 'error')) as [NodeJS.ErrnoException];
      assert.equal(err.code, 'ECONNREFUSED');
    }
  });
});
