/**
 * The metrics server every part without an HTTP server of its own uses (the agent's): the process
 * registry's text on GET /metrics, a taken port named, and the settings of its port.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter } from 'prom-client';
import { defineMetrics, isLabError, loadSettings, startMetricsServer } from '../src/index.js';
import { scrapeMetrics } from '../src/testing.js';

describe('metrics server', () => {
  it('serves the process registry, with metrics defined once however often they are asked for', async () => {
    const metrics = defineMetrics(
      (registry) =>
        new Counter({
          name: 'chaos_lab_test_events_total',
          help: 'test',
          labelNames: ['kind'] as const,
          registers: [registry],
        }),
    );
    assert.equal(metrics(), metrics());
    metrics().inc({ kind: 'a' }, 2);
    const server = await startMetricsServer({ port: 0, host: '127.0.0.1', owner: 'test metrics' });
    try {
      const scrape = await scrapeMetrics(server.url);
      assert.equal(scrape.value('chaos_lab_test_events_total', { kind: 'a' }), 2);
      assert.ok(scrape.family('process_cpu_seconds_total'), 'default process metrics');
      const head = await fetch(server.url, { method: 'HEAD' });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), '');
    } finally {
      await server.close();
    }
  });

  it('names a taken port, its owner and what to do', async () => {
    const first = await startMetricsServer({ port: 0, host: '127.0.0.1', owner: 'first' });
    try {
      await assert.rejects(
        startMetricsServer({
          port: first.port,
          host: '127.0.0.1',
          owner: 'agent metrics',
          hint: 'set AGENT_METRICS_PORT (0 = none) or PORT_OFFSET',
        }),
        (err) =>
          isLabError(err, 'PORT_IN_USE') &&
          err.message ===
            `agent metrics cannot listen: port ${first.port} on 127.0.0.1 is already in use: set AGENT_METRICS_PORT (0 = none) or PORT_OFFSET`,
      );
    } finally {
      await first.close();
    }
  });

  it('AGENT_METRICS_PORT: 8300 shifted by PORT_OFFSET, 0 for none, a bad value refused by name', () => {
    assert.equal(loadSettings({}, { dotenv: false }).AGENT_METRICS_PORT, 8300);
    assert.equal(loadSettings({ PORT_OFFSET: '100' }, { dotenv: false }).AGENT_METRICS_PORT, 8400);
    assert.equal(
      loadSettings({ AGENT_METRICS_PORT: '0', PORT_OFFSET: '100' }, { dotenv: false }).AGENT_METRICS_PORT,
      0,
    );
    assert.throws(
      () => loadSettings({ AGENT_METRICS_PORT: '70000' }, { dotenv: false }),
      /^LabError: AGENT_METRICS_PORT=70000: must be an integer from 0 to 65535$/,
    );
  });
});
