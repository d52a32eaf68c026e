/**
 * A tool service's GET /metrics during real requests: the requests it answered, by status and by
 * whether the failure was simulated (ERROR_PROB), read with a real parser of the text format.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramCount, scrapeMetrics, scrapeUntil } from '@chaos-lab/common/testing';
import { startTestService } from './support/test-service.js';

describe('tool service metrics', () => {
  it('counts the requests answered, simulated 503s apart, and not the health checks', async () => {
    const svc = await startTestService('weather', { ERROR_PROB: '0.5', CHAOS_SEED: '7' });
    try {
      const url = `${svc.service.url}/metrics`;
      const before = await scrapeMetrics(url);
      assert.match(before.contentType, /^text\/plain; version=0\.0\.4/);
      assert.ok(before.value('process_cpu_seconds_total') > 0, 'the default process metrics are there');
      assert.equal(before.value('chaos_lab_tool_requests_total', { service: 'weather' }), 0);

      const seen = { simulated: 0, ok: 0 };
      for (let i = 0; i < 20; i++) {
        const res = await svc.get('/weather?city=Paris');
        if (res.status === 503 && res.headers.get('x-chaos-fault') === 'simulated') seen.simulated++;
        else if (res.status === 200) seen.ok++;
        else assert.fail(`unexpected answer ${res.status}`);
        assert.equal((await svc.get('/health')).status, 200);
      }
      assert.ok(seen.simulated > 0 && seen.ok > 0, `both kinds of answer at ERROR_PROB=0.5: ${JSON.stringify(seen)}`);

      const after = await scrapeUntil(
        url,
        '20 requests counted',
        (s) => s.value('chaos_lab_tool_requests_total', { service: 'weather' }) === 20,
      );
      assert.equal(
        after.value('chaos_lab_tool_requests_total', { service: 'weather', status: '503', fault: 'simulated' }),
        seen.simulated,
      );
      assert.equal(
        after.value('chaos_lab_tool_requests_total', { service: 'weather', status: '200', fault: 'none' }),
        seen.ok,
      );
      assert.equal(after.family('chaos_lab_tool_request_duration_seconds')?.type, 'HISTOGRAM');
      assert.equal(await histogramCount('chaos_lab_tool_request_duration_seconds', { service: 'weather' }), 20);
    } finally {
      await svc.close();
    }
  });

  it('refuses a method other than GET on /metrics, whatever ERROR_PROB says', async () => {
    const svc = await startTestService('calculator', { ERROR_PROB: '1' });
    try {
      const res = await fetch(`${svc.service.url}/metrics`, { method: 'POST' });
      assert.equal(res.status, 405);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
      assert.equal(
        (await scrapeMetrics(`${svc.service.url}/metrics`)).value('chaos_lab_tool_requests_total', {
          service: 'calculator',
        }),
        0,
      );
    } finally {
      await svc.close();
    }
  });
});
