import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Endpoint } from '@chaos-lab/common';
import { type ToolAttempt, type ToolCallPolicy, callTool } from '../src/tool-calls/tool-call.js';
import { type StubServer, closedEndpoint, stubPool } from './support/stub-server.js';

const stubs = stubPool();
const { stub } = stubs;
after(() => stubs.closeAll());

/**
 * Jitter 0: no backoff wait unless a test asks for one, so the attempts' own behaviour is timed alone.
 * A proxy deadline that a loaded machine's first request cannot miss, unless a test is about it.
 */
const policy = (over: Partial<ToolCallPolicy> = {}): ToolCallPolicy => ({
  toolLimit: 3,
  proxyTimeoutMs: 3000,
  fallback: true,
  fallbackTimeoutMs: 1000,
  backoffBaseMs: 200,
  backoffMaxMs: 5000,
  jitter: () => 0,
  ...over,
});

async function call(proxy: Endpoint, direct: Endpoint, p: ToolCallPolicy, signal = new AbortController().signal) {
  const attempts: ToolAttempt[] = [];
  const result = await callTool({
    callId: 'run-1/p0/a1/c1',
    request: { method: 'POST', path: '/messages', body: { to: 'Ann', body: 'hi', request_id: 'run-1/p0/a1/c1' } },
    proxy,
    direct,
    policy: p,
    signal,
    now: Date.now,
    onAttempt: (a) => attempts.push(a),
  });
  return {
    result,
    attempts,
    summary: attempts.map((a) => `${a.attempt}:${a.via}:${a.outcome}:${a.httpStatus ?? '-'}`),
  };
}

/** Gaps between the arrivals of consecutive requests at the stubs, ms. */
function gaps(...servers: StubServer[]): number[] {
  const at = servers.flatMap((s) => s.requests.map((r) => r.at)).sort((a, b) => a - b);
  return at.slice(1).map((t, i) => t - at[i]!);
}

describe('callTool: attempts through the proxy, then one direct fallback', () => {
  it('a 2xx through the proxy ends the call at the first attempt', async () => {
    const proxy = await stub({ status: 200, body: { ok: 1 } });
    const direct = await stub({ status: 200 });
    const { result, summary, attempts } = await call(proxy.endpoint, direct.endpoint, policy());
    assert.equal(result.kind, 'result');
    assert.deepEqual(result.final.body, { ok: 1 });
    assert.deepEqual(summary, ['1:proxy:ok:200']);
    assert.equal(attempts[0]!.waitMs, 0);
    assert.equal(direct.requests.length, 0);
  });

  it('5xx answers are retried up to TOOL_LIMIT, every attempt with the same request_id and its own attempt id', async () => {
    const proxy = await stub(
      { status: 503, body: { error: 'simulated' } },
      { status: 500 },
      { status: 201, body: { message: { id: 3 } } },
    );
    const direct = await stub({ status: 200 });
    const { result, summary, attempts } = await call(proxy.endpoint, direct.endpoint, policy());
    assert.equal(result.kind, 'result');
    assert.equal(result.attempts, 3);
    assert.deepEqual(summary, ['1:proxy:http_error:503', '2:proxy:http_error:500', '3:proxy:ok:201']);
    assert.deepEqual(new Set(proxy.requests.map((r) => JSON.parse(r.body).request_id)), new Set(['run-1/p0/a1/c1']));
    const ids = ['run-1/p0/a1/c1#1', 'run-1/p0/a1/c1#2', 'run-1/p0/a1/c1#3'];
    assert.deepEqual(
      proxy.requests.map((r) => r.requestId),
      ids,
      'sent as X-Request-Id',
    );
    assert.deepEqual(
      attempts.map((a) => a.attemptId),
      ids,
      'recorded with the attempt',
    );
  });

  it('a 4xx is an answer: not retried, no fallback', async () => {
    const proxy = await stub({ status: 404, body: { error: 'unknown city: Atlantis' } });
    const direct = await stub({ status: 200 });
    const { result, summary } = await call(proxy.endpoint, direct.endpoint, policy());
    assert.equal(result.kind, 'result');
    assert.equal(result.final.error, 'HTTP 404: unknown city: Atlantis');
    assert.deepEqual(summary, ['1:proxy:http_error:404']);
    assert.equal(direct.requests.length, 0);
  });

  it('when the proxy attempts are spent, one fallback goes straight to the service, recorded via direct', async () => {
    const proxy = await stub('hang');
    const direct = await stub({ status: 200, body: { answer: 42 } });
    const { result, attempts, summary } = await call(
      proxy.endpoint,
      direct.endpoint,
      policy({ toolLimit: 2, proxyTimeoutMs: 150 }),
    );
    assert.equal(result.kind, 'result');
    assert.deepEqual(result.final.body, { answer: 42 });
    assert.deepEqual(summary, ['1:proxy:timeout:-', '2:proxy:timeout:-', '3:direct:ok:200']);
    for (const a of attempts.slice(0, 2))
      assert.ok(a.durationMs >= 140 && a.durationMs < 2000, `proxy attempt took ${a.durationMs} ms`);
    assert.equal(JSON.parse(direct.requests[0]!.body).request_id, 'run-1/p0/a1/c1');
    assert.equal(direct.requests[0]!.requestId, 'run-1/p0/a1/c1#3');
  });

  it('closed, reset and refused connections are retried too', async () => {
    const closing = await stub('close');
    const resetting = await stub('reset');
    const closed = await call(closing.endpoint, resetting.endpoint, policy({ toolLimit: 2 }));
    assert.deepEqual(closed.summary, ['1:proxy:closed:-', '2:proxy:closed:-', '3:direct:reset:-']);
    const refused = await call(resetting.endpoint, await closedEndpoint(), policy({ toolLimit: 1 }));
    assert.deepEqual(refused.summary, ['1:proxy:reset:-', '2:direct:connection_error:-']);
  });

  it('no result when the fallback fails too: network for a dead service, server for 5xx', async () => {
    const dead = await call(await closedEndpoint(), await closedEndpoint(), policy({ toolLimit: 1 }));
    assert.equal(dead.result.kind, 'no_result');
    assert.equal(dead.result.kind === 'no_result' && dead.result.failureType, 'network');
    assert.deepEqual(dead.summary, ['1:proxy:connection_error:-', '2:direct:connection_error:-']);

    const failing = await stub({
      status: 503,
      body: { error: 'simulated', simulated: true },
      headers: { 'X-Chaos-Fault': 'simulated' },
    });
    const server = await call(failing.endpoint, failing.endpoint, policy({ toolLimit: 2 }));
    assert.equal(server.result.kind === 'no_result' && server.result.failureType, 'server');
    assert.deepEqual(server.summary, ['1:proxy:http_error:503', '2:proxy:http_error:503', '3:direct:http_error:503']);
    assert.ok(
      server.attempts.every((a) => a.simulated === true),
      'each simulated 503 recorded as simulated',
    );
  });

  it('FALLBACK=off: the call ends after TOOL_LIMIT proxy attempts', async () => {
    const proxy = await stub({ status: 502 });
    const direct = await stub({ status: 200 });
    const { result, summary, attempts } = await call(
      proxy.endpoint,
      direct.endpoint,
      policy({ toolLimit: 2, fallback: false }),
    );
    assert.equal(result.kind, 'no_result');
    assert.deepEqual(summary, ['1:proxy:http_error:502', '2:proxy:http_error:502']);
    assert.equal(attempts[1]!.simulated, false);
    assert.equal(direct.requests.length, 0);
  });

  it('no attempt starts once the signal fired; the attempt it stopped is cancelled', async () => {
    const proxy = await stub('hang');
    const direct = await stub({ status: 200 });
    const controller = new AbortController();
    const pending = call(proxy.endpoint, direct.endpoint, policy({ proxyTimeoutMs: 10_000 }), controller.signal);
    while (proxy.requests.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort(new Error('prompt timed out'));
    const { result, summary, attempts } = await pending;
    assert.equal(result.kind, 'no_result');
    assert.deepEqual(summary, ['1:proxy:cancelled:-']);
    assert.equal(attempts[0]!.error, 'cancelled: prompt timed out');
    assert.equal(direct.requests.length, 0);
  });
});

describe('callTool waits between attempts as a careful client', () => {
  it('waits an exponential backoff with full jitter before each retry and the fallback, recorded with the attempt it preceded', async () => {
    const proxy = await stub({ status: 500 });
    const direct = await stub({ status: 200, body: { ok: true } });
    const draws: number[] = [];
    const jitter = () => {
      draws.push(0.75);
      return 0.75;
    };
    const { result, attempts } = await call(
      proxy.endpoint,
      direct.endpoint,
      policy({ toolLimit: 3, backoffBaseMs: 100, backoffMaxMs: 250, jitter }),
    );
    assert.equal(result.kind, 'result');
    // Ceilings 100, 200, then 400 capped to 250; each wait is 0.75 of its ceiling.
    assert.deepEqual(
      attempts.map((a) => [a.via, a.waitMs]),
      [
        ['proxy', 0],
        ['proxy', 75],
        ['proxy', 150],
        ['direct', 187],
      ],
    );
    assert.equal(draws.length, 3, 'one jitter draw per wait');
    const [g1, g2, g3] = gaps(proxy, direct);
    for (const [gap, wait] of [
      [g1!, 75],
      [g2!, 150],
      [g3!, 187],
    ] as const)
      assert.ok(gap >= wait - 5 && gap < wait + 2000, `gap ${gap} ms for a ${wait} ms wait`);
  });

  it('honours Retry-After on 503 and 429 (429 is retried), capped by TOOL_BACKOFF_MAX_MS', async () => {
    const proxy = await stub(
      { status: 503, headers: { 'Retry-After': '1' } },
      { status: 429, headers: { 'Retry-After': '60' } },
      { status: 200, body: { ok: 1 } },
    );
    const { result, attempts } = await call(
      proxy.endpoint,
      proxy.endpoint,
      policy({ toolLimit: 3, backoffMaxMs: 1500 }),
    );
    assert.equal(result.kind, 'result');
    assert.deepEqual(
      attempts.map((a) => `${a.httpStatus}:${a.retryAfterMs}:${a.waitMs}`),
      ['503:1000:0', '429:60000:1000', '200:null:1500'],
    );
    const [g1, g2] = gaps(proxy);
    assert.ok(g1! >= 995 && g1! < 4000, `waited ${g1} ms after Retry-After: 1`);
    assert.ok(g2! >= 1495 && g2! < 4500, `waited ${g2} ms after Retry-After: 60 capped at 1500`);
  });

  it('records but does not honour a Retry-After on other statuses; the fallback follows the same rule', async () => {
    const proxy = await stub(
      { status: 500, headers: { 'Retry-After': '30' } },
      { status: 503, headers: { 'Retry-After': '1' } },
    );
    const direct = await stub({ status: 200, body: { ok: 1 } });
    const { result, attempts } = await call(proxy.endpoint, direct.endpoint, policy({ toolLimit: 2 }));
    assert.equal(result.kind, 'result');
    assert.deepEqual(
      attempts.map((a) => `${a.via}:${a.httpStatus}:${a.retryAfterMs}:${a.waitMs}`),
      ['proxy:500:30000:0', 'proxy:503:1000:0', 'direct:200:null:1000'],
    );
    const [g1, g2] = gaps(proxy, direct);
    assert.ok(g1! < 1000, `no wait after a 500's Retry-After (${g1} ms)`);
    assert.ok(g2! >= 995, `the fallback waited the 503's Retry-After (${g2} ms)`);
  });

  it('a wait ends when the signal fires: no further attempt, the call has no result', async () => {
    const proxy = await stub({ status: 503, headers: { 'Retry-After': '30' } });
    const direct = await stub({ status: 200 });
    const controller = new AbortController();
    const started = performance.now();
    const pending = call(proxy.endpoint, direct.endpoint, policy({ backoffMaxMs: 60_000 }), controller.signal);
    while (proxy.requests.length === 0) await new Promise((r) => setImmediate(r));
    setTimeout(() => controller.abort(new Error('prompt timed out')), 50);
    const { result, summary } = await pending;
    assert.equal(result.kind, 'no_result');
    assert.equal(result.kind === 'no_result' && result.failureType, 'server');
    assert.deepEqual(summary, ['1:proxy:http_error:503']);
    assert.ok(performance.now() - started < 10_000, 'did not sit out the 30 s Retry-After');
    assert.equal(proxy.requests.length + direct.requests.length, 1);
  });
});
