import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Endpoint } from '@chaos-lab/common';
import { type ToolAttempt, type ToolCallPolicy, callTool } from '../src/tool-call.js';
import { type StubServer, type StubStep, closedEndpoint, startStub } from './support/stub-server.js';

const stubs: StubServer[] = [];
after(async () => Promise.all(stubs.map((s) => s.close())));
async function stub(...script: StubStep[]): Promise<StubServer> {
  const s = await startStub(script);
  stubs.push(s);
  return s;
}

const policy = (over: Partial<ToolCallPolicy> = {}): ToolCallPolicy => ({ toolLimit: 3, proxyTimeoutMs: 150, fallback: true, fallbackTimeoutMs: 1000, ...over });

async function call(proxy: Endpoint, direct: Endpoint, p: ToolCallPolicy, signal = new AbortController().signal) {
  const attempts: ToolAttempt[] = [];
  const result = await callTool({
    request: { method: 'POST', path: '/messages', body: { to: 'Ann', body: 'hi', request_id: 'r-1' } },
    proxy,
    direct,
    policy: p,
    signal,
    now: Date.now,
    onAttempt: (a) => attempts.push(a),
  });
  return { result, attempts, summary: attempts.map((a) => `${a.attempt}:${a.via}:${a.outcome}:${a.httpStatus ?? '-'}`) };
}

describe('callTool: attempts through the proxy, then one direct fallback', () => {
  it('a 2xx through the proxy ends the call at the first attempt', async () => {
    const proxy = await stub({ status: 200, body: { ok: 1 } });
    const direct = await stub({ status: 200 });
    const { result, summary } = await call(proxy.endpoint, direct.endpoint, policy());
    assert.equal(result.kind, 'result');
    assert.deepEqual(result.final.body, { ok: 1 });
    assert.deepEqual(summary, ['1:proxy:ok:200']);
    assert.equal(direct.requests.length, 0);
  });

  it('5xx answers are retried up to TOOL_LIMIT, every attempt with the same request_id', async () => {
    const proxy = await stub({ status: 503, body: { error: 'simulated' } }, { status: 500 }, { status: 201, body: { message: { id: 3 } } });
    const direct = await stub({ status: 200 });
    const { result, summary } = await call(proxy.endpoint, direct.endpoint, policy());
    assert.equal(result.kind, 'result');
    assert.equal(result.attempts, 3);
    assert.deepEqual(summary, ['1:proxy:http_error:503', '2:proxy:http_error:500', '3:proxy:ok:201']);
    assert.deepEqual(new Set(proxy.requests.map((r) => JSON.parse(r.body).request_id)), new Set(['r-1']));
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
    const { result, attempts, summary } = await call(proxy.endpoint, direct.endpoint, policy({ toolLimit: 2 }));
    assert.equal(result.kind, 'result');
    assert.deepEqual(result.final.body, { answer: 42 });
    assert.deepEqual(summary, ['1:proxy:timeout:-', '2:proxy:timeout:-', '3:direct:ok:200']);
    for (const a of attempts.slice(0, 2)) assert.ok(a.durationMs >= 140 && a.durationMs < 2000, `proxy attempt took ${a.durationMs} ms`);
    assert.equal(JSON.parse(direct.requests[0]!.body).request_id, 'r-1');
  });

  it('refused and reset connections are retried too', async () => {
    const proxy = await stub('reset');
    const { summary } = await call(proxy.endpoint, await closedEndpoint(), policy({ toolLimit: 2 }));
    assert.deepEqual(summary, ['1:proxy:reset:-', '2:proxy:reset:-', '3:direct:connection_error:-']);
  });

  it('no result when the fallback fails too: network for a dead service, server for 5xx', async () => {
    const dead = await call(await closedEndpoint(), await closedEndpoint(), policy({ toolLimit: 1 }));
    assert.equal(dead.result.kind, 'no_result');
    assert.equal(dead.result.kind === 'no_result' && dead.result.failureType, 'network');
    assert.deepEqual(dead.summary, ['1:proxy:connection_error:-', '2:direct:connection_error:-']);

    const failing = await stub({ status: 503, body: { error: 'simulated', simulated: true } });
    const server = await call(failing.endpoint, failing.endpoint, policy({ toolLimit: 2 }));
    assert.equal(server.result.kind === 'no_result' && server.result.failureType, 'server');
    assert.deepEqual(server.summary, ['1:proxy:http_error:503', '2:proxy:http_error:503', '3:direct:http_error:503']);
  });

  it('FALLBACK=off: the call ends after TOOL_LIMIT proxy attempts', async () => {
    const proxy = await stub({ status: 502 });
    const direct = await stub({ status: 200 });
    const { result, summary } = await call(proxy.endpoint, direct.endpoint, policy({ toolLimit: 2, fallback: false }));
    assert.equal(result.kind, 'no_result');
    assert.deepEqual(summary, ['1:proxy:http_error:502', '2:proxy:http_error:502']);
    assert.equal(direct.requests.length, 0);
  });

  it('no attempt starts once the signal fired', async () => {
    const proxy = await stub('hang');
    const direct = await stub({ status: 200 });
    const controller = new AbortController();
    const pending = call(proxy.endpoint, direct.endpoint, policy({ proxyTimeoutMs: 10_000 }), controller.signal);
    while (proxy.requests.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort(new Error('prompt timed out'));
    const { result, summary, attempts } = await pending;
    assert.equal(result.kind, 'no_result');
    assert.deepEqual(summary, ['1:proxy:timeout:-']);
    assert.equal(attempts[0]!.error, 'cancelled: prompt timed out');
    assert.equal(direct.requests.length, 0);
  });
});
