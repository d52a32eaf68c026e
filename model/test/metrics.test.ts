/**
 * The model server's GET /metrics during real chat completions: requests by HTTP status and by the
 * LLM fault the gateway injected, a hung request counted when its client gives up.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { histogramCount, scrapeMetrics, scrapeUntil } from '@chaos-lab/common/testing';
import { complete, startTestModelServer } from './support/model-server.js';

describe('model server metrics', () => {
  it('counts completions by status and injected fault', async () => {
    // Calls 1 and 3 get a rate_limit (429); call 2 is answered by the model.
    const lab = await startTestModelServer({ kind: 'rate_limit' }, (call) => call % 2 === 1);
    try {
      const url = `${lab.server.baseUrl.replace(/\/v1$/, '')}/metrics`;
      assert.equal((await scrapeMetrics(url)).value('chaos_lab_model_server_requests_total'), 0);
      const statuses = [];
      for (let i = 0; i < 3; i++) {
        const res = await complete(lab.server, {});
        await res.text();
        statuses.push(res.status);
      }
      assert.deepEqual(statuses, [429, 200, 429]);
      const s = await scrapeUntil(
        url,
        '3 completions counted',
        (m) => m.value('chaos_lab_model_server_requests_total') === 3,
      );
      assert.equal(s.value('chaos_lab_model_server_requests_total', { status: '429', fault: 'rate_limit' }), 2);
      assert.equal(s.value('chaos_lab_model_server_requests_total', { status: '200', fault: 'none' }), 1);
      assert.equal(await histogramCount('chaos_lab_model_server_request_duration_seconds', { fault: 'rate_limit' }), 2);
    } finally {
      await lab.close();
    }
  });

  it('counts a hung completion as client_closed once the client gives up', async () => {
    const lab = await startTestModelServer({ kind: 'hang' });
    try {
      const url = `${lab.server.baseUrl.replace(/\/v1$/, '')}/metrics`;
      const before = (await scrapeMetrics(url)).value('chaos_lab_model_server_requests_total', {
        status: 'client_closed',
        fault: 'hang',
      });
      await assert.rejects(complete(lab.server, {}, {}, AbortSignal.timeout(300)));
      await scrapeUntil(
        url,
        'the hung completion counted',
        (m) =>
          m.value('chaos_lab_model_server_requests_total', { status: 'client_closed', fault: 'hang' }) === before + 1,
      );
    } finally {
      await lab.close();
    }
  });
});
