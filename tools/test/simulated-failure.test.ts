import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestService, type TestService } from './helpers.js';

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
        const statuses = (await Promise.all(calendarRequests(svc, `ok-${i}`))).map((r) => r.status);
        assert.deepEqual(statuses, [200, 201, 200, 404]);
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
        for (let i = 0; i < 200; i++) statuses.push((await svc.send('POST', '/calculate', { expression: '1+1' })).status);
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
});
