import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { isLabError } from '@chaos-lab/common';
import { waitUntilAllHealthy, waitUntilHealthy } from '../src/launcher/readiness.js';

/** A health endpoint whose answer the test sets. */
async function endpoint(
  status = 503,
): Promise<{ url: string; server: Server; answer: (s: number) => void; onRequest: (n: number) => Promise<void> }> {
  let current = status;
  let count = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const server = createServer((_req, res) => {
    count++;
    for (const w of waiters.filter((w) => count >= w.n)) w.resolve();
    res.statusCode = current;
    res.end(current === 200 ? 'ok' : 'still loading');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`,
    server,
    answer: (s) => (current = s),
    /** Resolves once the endpoint has had `n` requests in all. */
    onRequest: (n) => (count >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
  };
}

/** A port nothing listens on. */
async function closedPortUrl(): Promise<string> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/health`;
}

describe('readiness', () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  it('waits through failed checks until the part answers', async () => {
    const e = await endpoint(503);
    servers.push(e.server);
    const ready = waitUntilHealthy(e.url, { name: 'calculator', timeoutMs: 60_000, intervalMs: 5 });
    await e.onRequest(3);
    e.answer(200);
    await ready;
  });

  it('at the deadline names STARTUP_TIMEOUT_MS, the last check and the log, and does not say the part failed', async () => {
    const e = await endpoint(503);
    servers.push(e.server);
    const startedAt = Date.now();
    const err = await waitUntilHealthy(e.url, {
      name: 'calculator',
      timeoutMs: 300,
      intervalMs: 10,
      logFile: 'logs/info.log',
    }).then(
      () => assert.fail('resolved'),
      (err: unknown) => err,
    );
    assert.ok(Date.now() - startedAt >= 300, 'not before the deadline');
    assert.ok(isLabError(err, 'NOT_READY'));
    assert.match(
      err.message,
      /^calculator did not become healthy within STARTUP_TIMEOUT_MS=300 ms at http:\/\/127\.0\.0\.1:\d+\/health/,
    );
    assert.match(err.message, /last check: HTTP 503: still loading/);
    assert.match(err.message, /raise STARTUP_TIMEOUT_MS/);
    assert.match(err.message, /logs\/info\.log \(search for "calculator"\)/);
    assert.doesNotMatch(err.message, /fail/);
  });

  it('stops waiting when the part exits, and says so', async () => {
    const url = await closedPortUrl();
    const err = await waitUntilHealthy(url, {
      name: 'weather',
      timeoutMs: 60_000,
      intervalMs: 10,
      abandon: Promise.resolve('exited with code 1'),
      logFile: 'logs/info.log',
    }).then(
      () => assert.fail('resolved'),
      (err: unknown) => err,
    );
    assert.ok(isLabError(err, 'NOT_READY'));
    assert.match(
      err.message,
      /^weather exited with code 1 before it became healthy at .* \(last check: ECONNREFUSED\); its own lines are in logs\/info\.log/,
    );
  });

  it('says what it is still waiting for while parts load, and nothing once all answered', async () => {
    const fast = await endpoint(200);
    const slow = await endpoint(503);
    servers.push(fast.server, slow.server);
    const lines: string[] = [];
    let onLine: (() => void) | undefined;
    const healthy: string[] = [];
    const ready = waitUntilAllHealthy(
      [
        { name: 'search', url: fast.url },
        { name: 'calculator', url: slow.url },
      ],
      {
        timeoutMs: 60_000,
        progressEveryMs: 20,
        intervalMs: 5,
        say: (line) => {
          lines.push(line);
          if (/^waiting for calculator \(/.test(line)) onLine?.();
        },
        onHealthy: (name) => healthy.push(name),
      },
    );
    await new Promise<void>((resolve) => (onLine = resolve));
    for (const line of lines) assert.match(line, /^waiting for (search, )?calculator \(\d+ s\)…$/);
    slow.answer(200);
    await ready;
    assert.deepEqual(healthy, ['search', 'calculator']);
    const count = lines.length;
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(lines.length, count, 'no line after the wait ended');
  });

  it('the first part that fails ends the wait for all, with its reason', async () => {
    const slow = await endpoint(503);
    servers.push(slow.server);
    let exit!: (why: string) => void;
    const exited = new Promise<string>((resolve) => (exit = resolve));
    const ready = waitUntilAllHealthy(
      [
        { name: 'calculator', url: slow.url },
        { name: 'proxy-manager', url: await closedPortUrl(), exited },
      ],
      { timeoutMs: 60_000, intervalMs: 5, say: () => undefined },
    );
    await slow.onRequest(2);
    exit('killed by SIGKILL');
    await assert.rejects(
      ready,
      (err: unknown) =>
        isLabError(err, 'NOT_READY') && /^proxy-manager killed by SIGKILL before it became healthy/.test(err.message),
    );
  });

  it('an outside signal cancels the wait', async () => {
    const slow = await endpoint(503);
    servers.push(slow.server);
    const cancel = new AbortController();
    const ready = waitUntilAllHealthy([{ name: 'calculator', url: slow.url }], {
      timeoutMs: 60_000,
      intervalMs: 5,
      say: () => undefined,
      signal: cancel.signal,
    });
    await slow.onRequest(1);
    cancel.abort(new Error('the agent gave up'));
    await assert.rejects(ready, /the agent gave up/);
  });
});
