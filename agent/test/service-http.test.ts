import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sendAttempt } from '../src/tool-calls/service-http.js';
import { type StubServer, closedEndpoint, startStub } from './support/stub-server.js';

describe('sendAttempt classifies how an attempt ended, by what the client saw', () => {
  const stubs: StubServer[] = [];
  after(async () => Promise.all(stubs.map((s) => s.close())));
  const stub = async (...script: Parameters<typeof startStub>[0]) => {
    const s = await startStub(script);
    stubs.push(s);
    return s;
  };
  const get = { method: 'GET', path: '/' } as const;

  it('ok: a 2xx with its JSON body; the query string, JSON body and X-Request-Id are sent', async () => {
    const s = await stub({ status: 201, body: { event: { id: 1 } } });
    const result = await sendAttempt(
      s.endpoint,
      { method: 'POST', path: '/events', query: { a: 'x y', skip: undefined }, body: { title: 'T' } },
      { timeoutMs: 2000, attemptId: 'run-1/p0/a1/c1#1' },
    );
    assert.equal(result.outcome, 'ok');
    assert.equal(result.httpStatus, 201);
    assert.deepEqual(result.body, { event: { id: 1 } });
    assert.equal(result.error, null);
    assert.equal(result.simulated, false);
    assert.equal(result.retryAfterMs, null);
    assert.equal(s.requests.length, 1);
    const [sent] = s.requests;
    assert.deepEqual(
      [sent!.method, sent!.url, sent!.body, sent!.requestId],
      ['POST', '/events?a=x+y', '{"title":"T"}', 'run-1/p0/a1/c1#1'],
    );
  });

  it("http_error: any other status, with the service's error message", async () => {
    const s = await stub({ status: 404, body: { error: 'unknown city: Atlantis' } });
    const result = await sendAttempt(
      s.endpoint,
      { method: 'GET', path: '/weather', query: { city: 'Atlantis' } },
      { timeoutMs: 2000 },
    );
    assert.equal(result.outcome, 'http_error');
    assert.equal(result.httpStatus, 404);
    assert.equal(result.error, 'HTTP 404: unknown city: Atlantis');
  });

  it('simulated: a 503 marked by X-Chaos-Fault or by the body field; an unmarked 503 is real', async () => {
    const byHeader = await stub({ status: 503, body: { error: 'down' }, headers: { 'X-Chaos-Fault': 'simulated' } });
    const byBody = await stub({ status: 503, body: { error: 'simulated server error', simulated: true } });
    const real = await stub({ status: 503, body: { error: 'overloaded' } });
    assert.equal((await sendAttempt(byHeader.endpoint, get, { timeoutMs: 2000 })).simulated, true);
    assert.equal((await sendAttempt(byBody.endpoint, get, { timeoutMs: 2000 })).simulated, true);
    const unmarked = await sendAttempt(real.endpoint, get, { timeoutMs: 2000 });
    assert.deepEqual([unmarked.outcome, unmarked.httpStatus, unmarked.simulated], ['http_error', 503, false]);
  });

  it('reads Retry-After as seconds or as an HTTP date against the given clock', async () => {
    const seconds = await stub({ status: 429, headers: { 'Retry-After': '3' } });
    const date = await stub({ status: 503, headers: { 'Retry-After': 'Wed, 21 Oct 2026 07:28:02 GMT' } });
    const bad = await stub({ status: 503, headers: { 'Retry-After': 'soon' } });
    assert.equal((await sendAttempt(seconds.endpoint, get, { timeoutMs: 2000 })).retryAfterMs, 3000);
    const now = () => Date.parse('Wed, 21 Oct 2026 07:28:00 GMT');
    assert.equal((await sendAttempt(date.endpoint, get, { timeoutMs: 2000, now })).retryAfterMs, 2000);
    assert.equal((await sendAttempt(bad.endpoint, get, { timeoutMs: 2000 })).retryAfterMs, null);
  });

  it("timeout: no answer within the attempt's own deadline", async () => {
    const s = await stub('hang');
    const result = await sendAttempt(s.endpoint, get, { timeoutMs: 150 });
    assert.equal(result.outcome, 'timeout');
    assert.equal(result.httpStatus, null);
    assert.match(result.error ?? '', /within 150 ms/);
    assert.ok(result.durationMs >= 140 && result.durationMs < 2000, `duration ${result.durationMs}`);
  });

  it('closed: the server closed the connection (FIN) without a byte of answer', async () => {
    const s = await stub('close');
    const result = await sendAttempt(s.endpoint, get, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'closed');
    assert.equal(result.httpStatus, null);
    assert.match(
      result.error ?? '',
      /^connection closed without a complete answer \(UND_ERR_SOCKET: other side closed\)/,
    );
  });

  it('closed: the server closed the connection mid-body; the status that arrived is kept', async () => {
    const s = await stub('close-mid-body');
    const result = await sendAttempt(s.endpoint, get, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'closed');
    assert.equal(result.httpStatus, 200);
    assert.equal(result.body, null);
    assert.match(result.error ?? '', /after the headers of HTTP 200/);
  });

  it('reset: the server reset the connection (TCP RST)', async () => {
    const s = await stub('reset');
    const result = await sendAttempt(s.endpoint, get, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'reset');
    assert.equal(result.httpStatus, null);
    assert.match(result.error ?? '', /ECONNRESET/);
  });

  it('connection_error: nothing listens', async () => {
    const result = await sendAttempt(await closedEndpoint(), get, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'connection_error');
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  it("cancelled: the caller's signal stopped the attempt, said so in the error", async () => {
    const s = await stub('hang');
    const controller = new AbortController();
    const pending = sendAttempt(s.endpoint, get, { timeoutMs: 10_000, signal: controller.signal });
    while (s.requests.length === 0) await new Promise((r) => setImmediate(r));
    controller.abort(new Error('prompt timed out'));
    const result = await pending;
    assert.equal(result.outcome, 'cancelled');
    assert.equal(result.error, 'cancelled: prompt timed out');
    assert.ok(result.durationMs < 5000, `cancelled after ${result.durationMs} ms`);
  });
});
