import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startTestService, type TestService } from './support/test-service.js';

/** One request to each of the calendar's endpoints. */
const calendarRequests = (svc: TestService, id: string) => [
  svc.get('/events?date=2026-01-01'),
  svc.send('POST', '/events', { title: 'x', date: '2026-01-01', time: '10:00', request_id: id }),
  svc.send('DELETE', `/events?date=2026-01-01&request_id=${id}`, undefined),
  svc.get('/no-such-route'),
];

describe('simulated failures (ERROR_PROB)', () => {
  it('never fails a request with ERROR_PROB=0', async () => {
    const svc = await startTestService('calendar', { ERROR_PROB: '0' });
    try {
      for (let i = 0; i < 25; i++) {
        const answers = await Promise.all(calendarRequests(svc, `ok-${i}`));
        assert.deepEqual(
          answers.map((r) => r.status),
          [200, 201, 200, 404],
        );
        assert.ok(
          answers.every((r) => r.headers.get('x-chaos-fault') === null && r.body.simulated === undefined),
          'real answers carry no fault mark',
        );
      }
    } finally {
      await svc.close();
    }
  });

  it('fails every request with a 503 marked simulated with ERROR_PROB=1, but never /health', async () => {
    const svc = await startTestService('calendar', { ERROR_PROB: '1' });
    try {
      for (let i = 0; i < 10; i++) {
        for (const res of await Promise.all(calendarRequests(svc, `fail-${i}`))) {
          assert.equal(res.status, 503);
          assert.equal(res.body.simulated, true);
          assert.equal(res.headers.get('x-chaos-fault'), 'simulated');
          assert.match(res.body.error, /simulated/);
        }
        const health = await svc.get('/health');
        assert.equal(health.status, 200);
        assert.equal(health.body.status, 'ok');
      }
    } finally {
      await svc.close();
    }
  });

  it('draws failures from the seed: the same seed fails the same requests, near the set rate', async () => {
    const pattern = async (seed: string) => {
      const svc = await startTestService('calculator', { ERROR_PROB: '0.3', CHAOS_SEED: seed });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 200; i++)
          statuses.push((await svc.send('POST', '/calculate', { expression: '1+1' })).status);
        return statuses;
      } finally {
        await svc.close();
      }
    };
    const [a, b, c] = [await pattern('11'), await pattern('11'), await pattern('12')];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    const failures = a.filter((s) => s === 503).length;
    assert.ok(failures > 30 && failures < 95, `${failures} of 200 failed at ERROR_PROB=0.3`);
    assert.ok(a.every((s) => s === 200 || s === 503));
  });

  it('logs a simulated 503 at warn with fault "simulated" and the attempt request id; other lines carry no fault', async () => {
    const svc = await startTestService('calculator', { ERROR_PROB: '1' });
    try {
      const res = await fetch(`${svc.service.url}/calculate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'run-1/p0/a1/c1#2' },
        body: JSON.stringify({ expression: '1+1' }),
      });
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('x-chaos-fault'), 'simulated');
      assert.equal(res.headers.get('x-request-id'), 'run-1/p0/a1/c1#2');
      await res.body?.cancel();
      const lines = readFileSync(join(svc.dir, 'logs', 'info.log'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const line = lines.find((l) => l.req?.id === 'run-1/p0/a1/c1#2');
      assert.ok(line, 'the access log line carries the attempt id');
      assert.equal(line.fault, 'simulated');
      assert.equal(line.level, 40);
      assert.equal(line.res.statusCode, 503);
      assert.ok(lines.filter((l) => l.res?.statusCode !== 503).every((l) => l.fault === undefined));
    } finally {
      await svc.close();
    }
  });
});
