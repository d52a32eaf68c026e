import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sendAttempt } from '../src/service-http.js';
import { type StubServer, closedEndpoint, startStub } from './support/stub-server.js';

describe('sendAttempt classifies how an attempt ended', () => {
  const stubs: StubServer[] = [];
  after(async () => Promise.all(stubs.map((s) => s.close())));
  const stub = async (...script: Parameters<typeof startStub>[0]) => {
    const s = await startStub(script);
    stubs.push(s);
    return s;
  };

  it('ok: a 2xx with its JSON body; the query string and JSON body are sent', async () => {
    const s = await stub({ status: 201, body: { event: { id: 1 } } });
    const result = await sendAttempt(s.endpoint, { method: 'POST', path: '/events', query: { a: 'x y', skip: undefined }, body: { title: 'T' } }, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'ok');
    assert.equal(result.httpStatus, 201);
    assert.deepEqual(result.body, { event: { id: 1 } });
    assert.equal(result.error, null);
    assert.deepEqual(s.requests, [{ method: 'POST', url: '/events?a=x+y', body: '{"title":"T"}' }]);
  });

  it('http_error: any other status, with the service\'s error message', async () => {
    const s = await stub({ status: 404, body: { error: 'unknown city: Atlantis' } });
    const result = await sendAttempt(s.endpoint, { method: 'GET', path: '/weather', query: { city: 'Atlantis' } }, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'http_error');
    assert.equal(result.httpStatus, 404);
    assert.equal(result.error, 'HTTP 404: unknown city: Atlantis');
  });

  it('timeout: no answer within the deadline', async () => {
    const s = await stub('hang');
    const result = await sendAttempt(s.endpoint, { method: 'GET', path: '/' }, { timeoutMs: 150 });
    assert.equal(result.outcome, 'timeout');
    assert.equal(result.httpStatus, null);
    assert.match(result.error ?? '', /within 150 ms/);
    assert.ok(result.durationMs >= 140 && result.durationMs < 2000, `duration ${result.durationMs}`);
  });

  it('reset: the connection closed without an answer', async () => {
    const s = await stub('reset');
    const result = await sendAttempt(s.endpoint, { method: 'GET', path: '/' }, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'reset');
  });

  it('connection_error: nothing listens', async () => {
    const result = await sendAttempt(await closedEndpoint(), { method: 'GET', path: '/' }, { timeoutMs: 2000 });
    assert.equal(result.outcome, 'connection_error');
    assert.match(result.error ?? '', /ECONNREFUSED/);
  });

  it("the caller's signal cancels an attempt, said so in the error", async () => {
    const s = await stub('hang');
    const controller = new AbortController();
    const pending = sendAttempt(s.endpoint, { method: 'GET', path: '/' }, { timeoutMs: 10_000, signal: controller.signal });
    controller.abort(new Error('prompt timed out'));
    const result = await pending;
    assert.equal(result.outcome, 'timeout');
    assert.equal(result.error, 'cancelled: prompt timed out');
  });
});
