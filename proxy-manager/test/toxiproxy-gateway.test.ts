/**
 * The Toxiproxy gateway's fault handling, against small fault servers (one that never answers, one
 * that answers every request with an error) and a closed port. The happy path runs against the
 * Toxiproxy-compatible server in the other test files.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { createLogger, isLabError } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { systemClock } from '../src/util/clock.js';
import { ToxiproxyGateway } from '../src/toxiproxy/gateway.js';
import { waitForToxiproxy } from '../src/toxiproxy/wait-for-toxiproxy.js';

const dir = makeTempDir();
const logger = createLogger({ name: 'proxy-manager', settings: testSettings(dir.path) });
const retry = { attempts: 3, baseDelayMs: 20, maxDelayMs: 50 };

/** A server that counts requests and handles them with `handler`. */
async function faultServer(
  handler: (res: ServerResponse) => void,
): Promise<{ url: string; requests: () => number; server: Server }> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    handler(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => requests, server };
}

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

const servers: Server[] = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  dir.cleanup();
});

describe('Toxiproxy gateway', () => {
  it('gives up on a Toxiproxy that never answers after its per-call timeout and bounded retries', async () => {
    const silent = await faultServer(() => undefined);
    servers.push(silent.server);
    const gateway = new ToxiproxyGateway({ url: silent.url, timeoutMs: 150, clock: systemClock, logger, retry });
    const startedAt = Date.now();
    await assert.rejects(gateway.listProxies(), (err) => {
      assert.ok(isLabError(err, 'TOXIPROXY'));
      assert.equal(err.details?.reason, 'timeout');
      assert.match(err.message, /list proxies: no answer from .* within 150 ms/);
      return true;
    });
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed >= 3 * 150 && elapsed < 5000, `took ${elapsed} ms`);
    assert.equal(silent.requests(), 3);
  });

  it("retries a 5xx answer, then reports Toxiproxy's own error text and status", async () => {
    const failing = await faultServer((res) => {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end('{"error":"listen tcp 127.0.0.1:6001: bind: address already in use","status":500}');
    });
    servers.push(failing.server);
    const gateway = new ToxiproxyGateway({ url: failing.url, timeoutMs: 1000, clock: systemClock, logger, retry });
    await assert.rejects(
      gateway.createProxy({ name: 'weather_proxy', listen: '127.0.0.1:6001', upstream: '127.0.0.1:5001' }),
      (err) => {
        assert.ok(isLabError(err, 'TOXIPROXY'));
        assert.equal(err.details?.httpStatus, 500);
        assert.match(
          err.message,
          /create proxy weather_proxy: HTTP 500 listen tcp 127\.0\.0\.1:6001: bind: address already in use/,
        );
        return true;
      },
    );
    assert.equal(failing.requests(), 3);
  });

  it('does not retry a 4xx answer, and treats removing a toxic that is gone as done', async () => {
    const conflict = await faultServer((res) =>
      res.writeHead(409, { 'content-type': 'application/json' }).end('{"error":"toxic already exists","status":409}'),
    );
    const gone = await faultServer((res) =>
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"toxic not found","status":404}'),
    );
    servers.push(conflict.server, gone.server);
    const toxic = {
      name: 'chaos_timeout_upstream',
      type: 'timeout',
      stream: 'upstream',
      toxicity: 1,
      attributes: { timeout: 100 },
    } as const;
    const conflicting = new ToxiproxyGateway({ url: conflict.url, timeoutMs: 1000, clock: systemClock, logger, retry });
    await assert.rejects(conflicting.addToxic('weather_proxy', toxic), /HTTP 409 toxic already exists/);
    assert.equal(conflict.requests(), 1);
    const removing = new ToxiproxyGateway({ url: gone.url, timeoutMs: 1000, clock: systemClock, logger, retry });
    assert.equal(await removing.removeToxic('weather_proxy', toxic), false);
    assert.equal(gone.requests(), 1);
  });

  it('reports an unreachable Toxiproxy as such', async () => {
    const url = await closedPortUrl();
    const gateway = new ToxiproxyGateway({ url, timeoutMs: 500, clock: systemClock, logger, retry });
    await assert.rejects(gateway.version(), (err) => {
      assert.ok(isLabError(err, 'TOXIPROXY'));
      assert.equal(err.details?.reason, 'unreachable');
      assert.match(err.message, /cannot reach/);
      return true;
    });
  });

  it('waits for the API a bounded time, then fails with a clear error naming the URL and what to do', async () => {
    const url = await closedPortUrl();
    const gateway = new ToxiproxyGateway({ url, timeoutMs: 200, clock: systemClock, logger, retry });
    const startedAt = Date.now();
    await assert.rejects(waitForToxiproxy(gateway, { waitMs: 400, clock: systemClock, logger }), (err) => {
      assert.ok(isLabError(err, 'NOT_READY'));
      assert.ok(err.message.startsWith(`Toxiproxy API at ${url} did not answer within 400 ms`), err.message);
      assert.match(err.message, /TOXIPROXY_URL/);
      return true;
    });
    const elapsed = Date.now() - startedAt;
    assert.ok(elapsed >= 400 && elapsed < 4000, `took ${elapsed} ms`);
  });
});
