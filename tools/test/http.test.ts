import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BODY_LIMIT_BYTES } from '../src/index.js';
import { startTestService, type TestService } from './support/test-service.js';

describe('the shared server: health, JSON errors, body limits, request ids, access logs', () => {
  let calendar: TestService;
  before(async () => {
    calendar = await startTestService('calendar');
  });
  after(() => calendar.close());

  const stillAnswers = async () => {
    const res = await calendar.get('/events?date=2026-01-01');
    assert.equal(res.status, 200);
  };

  it('answers GET /health with its name and uptime', async () => {
    const res = await calendar.get('/health');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ok');
    assert.equal(res.body.service, 'calendar');
    assert.ok(typeof res.body.uptime_s === 'number' && res.body.uptime_s >= 0 && res.body.uptime_s < 600);
  });

  it('answers unknown routes and methods with a JSON 404', async () => {
    for (const [method, path] of [
      ['GET', '/nope'],
      ['PUT', '/events'],
      ['GET', '/weather?city=Tokyo'],
      ['POST', '/health'],
    ]) {
      const res =
        method === 'GET'
          ? await calendar.get(path as string)
          : await calendar.sendRaw(method as string, path as string, '{}');
      assert.equal(res.status, 404, `${method} ${path}`);
      assert.match(res.body.error, /^no route for /);
    }
    await stillAnswers();
  });

  it('refuses invalid JSON with a 400 naming the body', async () => {
    for (const text of ['{"title": "x",', 'not json', '{"a":1}}', '"just a string"', '{"title": "\\x"}']) {
      const res = await calendar.sendRaw('POST', '/events', text);
      assert.equal(res.status, 400, JSON.stringify(text));
      assert.equal(res.body.field, 'body');
    }
    await stillAnswers();
  });

  it('refuses a body that is not a JSON object, or not sent as JSON', async () => {
    const array = await calendar.sendRaw('POST', '/events', '[1,2]');
    assert.equal(array.status, 400);
    assert.deepEqual(array.body, {
      error: 'body must be a JSON object (send it with Content-Type: application/json)',
      field: 'body',
    });
    const plain = await calendar.sendRaw('POST', '/events', '{"title":"x"}', 'text/plain');
    assert.equal(plain.status, 400);
    assert.equal(plain.body.field, 'body');
    await stillAnswers();
  });

  it('refuses bodies it cannot decode with a JSON 4xx', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${calendar.service.url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
    const broken = await post({ 'content-encoding': 'gzip' });
    assert.equal(broken.status, 400);
    assert.equal(typeof ((await broken.json()) as { error: unknown }).error, 'string');
    const charset = await post({ 'content-type': 'application/json; charset=latin9' });
    assert.equal(charset.status, 415);
    assert.match(((await charset.json()) as { error: string }).error, /charset/);
    await stillAnswers();
  });

  it('refuses a body over the limit with a JSON 413', async () => {
    const big = JSON.stringify({ title: 'x'.repeat(BODY_LIMIT_BYTES), date: '2026-01-01', time: '10:00' });
    const res = await calendar.sendRaw('POST', '/events', big);
    assert.equal(res.status, 413);
    assert.match(res.body.error, new RegExp(`^request body too large: the limit is ${BODY_LIMIT_BYTES} bytes`));
    await stillAnswers();
  });

  it('ignores unknown fields and prototype keys in a body', async () => {
    const res = await calendar.sendRaw(
      'POST',
      '/events',
      '{"title":"Tea","date":"2026-01-02","time":"16:00","__proto__":{"admin":true},"extra":1}',
    );
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body.event).sort(), ['date', 'id', 'time', 'title']);
  });

  it('echoes a sane X-Request-Id, makes one otherwise, and logs every request with the service name', async () => {
    const given = await fetch(`${calendar.service.url}/events?date=2026-01-03`, {
      headers: { 'x-request-id': 'agent-call-42' },
    });
    await given.body?.cancel();
    assert.equal(given.headers.get('x-request-id'), 'agent-call-42');
    const made = await fetch(`${calendar.service.url}/events?date=2026-02-30`, {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    await made.body?.cancel();
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);

    const lines = readFileSync(join(calendar.dir, 'logs', 'info.log'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const access = lines.find((l) => l.req?.id === 'agent-call-42');
    assert.ok(access, 'an access log line carries the request id');
    assert.equal(access.service, 'calendar');
    assert.equal(access.req.method, 'GET');
    assert.equal(access.error, undefined);
    const refused = lines.find((l) => l.req?.url === '/events?date=2026-02-30');
    assert.equal(refused?.res.statusCode, 400);
    assert.equal(refused?.error, 'date must be a real calendar date as YYYY-MM-DD');
    assert.equal(access.res.statusCode, 200);
    assert.equal(typeof access.responseTime, 'number');
  });
});
