/**
 * The proxy-manager's GET /metrics during a real run: toxics injected (by the chaos loop and by the
 * run's fault plan) and active, counted as the record counts them, read with a real parser of the
 * text format; and a planned HTTP error counted by the tool service that answered it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { writeFaultPlan } from '@chaos-lab/common';
import { scrapeMetrics, scrapeUntil } from '@chaos-lab/common/testing';
import { startTestLab, waitFor, type TestLab } from './support/lab.js';

const INJECTED = 'chaos_lab_toxics_injected_total';
const ACTIVE = 'chaos_lab_toxics_active';

describe('proxy-manager metrics', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '1', TOXICS: 'timeout' });
    await lab.startManager();
  });
  after(async () => {
    await lab.close();
  });

  it('counts the toxics injected and active as fault_events holds them', async () => {
    const url = `${lab.manager!.url}/metrics`;
    const idle = await scrapeMetrics(url);
    assert.equal(idle.value(INJECTED), 0);
    assert.equal(idle.value(ACTIVE), 0);
    assert.ok(idle.value('process_resident_memory_bytes') > 0, 'the default process metrics are there');

    lab.startRun('metrics-run', 'active');
    writeFaultPlan(lab.db, 'metrics-run', {
      faults: [
        {
          kind: 'toxic',
          name: 'slow-weather',
          type: 'latency',
          attributes: { latency: 50 },
          stream: 'downstream',
          toxicity: 1,
          targets: ['weather'],
          trigger: { kind: 'call', tool: 'get_weather', n: 1, attempts: 1 },
        },
        {
          kind: 'http_error',
          name: 'weather-503',
          status: 503,
          targets: ['weather'],
          trigger: { kind: 'first_attempts', tool: 'get_weather', k: 1 },
        },
      ],
    });
    // The agent's announcement of its first weather call fires the planned toxic.
    const announced = await fetch(`${lab.manager!.url}/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId: 'metrics-run', promptIndex: 0, tool: 'get_weather', callId: 'c1', attempt: 1 }),
    });
    assert.deepEqual(await announced.json(), { faults: ['slow-weather', 'weather-503'] });
    // The weather service answers the planned 503, and counts it as planned on its own /metrics.
    const weather = lab.tools.find((t) => t.name === 'weather')!;
    assert.equal((await fetch(`${weather.url}/weather?city=Paris`)).status, 503);
    await scrapeUntil(
      `${weather.url}/metrics`,
      'the planned 503 counted',
      (s) => s.value('chaos_lab_tool_requests_total', { service: 'weather', status: '503', fault: 'planned' }) === 1,
    );

    // While the run is active: the loop's toxics (TOXIC_PROB=1: one on each free proxy every tick) and the planned one.
    const live = await scrapeUntil(
      url,
      'toxics injected and active',
      (s) => s.value(INJECTED, { origin: 'chaos_loop' }) >= 7 && s.value(ACTIVE) >= 1,
    );
    assert.equal(live.value(INJECTED, { origin: 'fault_plan', proxy: 'weather_proxy', type: 'latency' }), 1);
    assert.equal(live.family(ACTIVE)?.type, 'GAUGE');
    assert.equal(live.family(INJECTED)?.type, 'COUNTER');

    // The run ends: every toxic is removed and its event closed; the gauge comes back to 0.
    lab.setPhase('metrics-run', 'done');
    await waitFor(
      'every toxic event closed',
      () => lab.events('metrics-run').every((e) => e.ended_at !== null) && lab.events('metrics-run').length > 0,
    );
    const done = await scrapeUntil(url, 'no toxic active', (s) => s.value(ACTIVE) === 0);

    const rows = lab.db
      .prepare(
        "SELECT proxy, type, fault IS NOT NULL AS planned, COUNT(*) AS n FROM fault_events WHERE run_id = ? AND kind = 'toxic' GROUP BY proxy, type, planned",
      )
      .all('metrics-run') as { proxy: string; type: string; planned: number; n: number }[];
    assert.ok(rows.length >= 7, `toxics on every proxy: ${JSON.stringify(rows)}`);
    for (const r of rows) {
      const origin = r.planned ? 'fault_plan' : 'chaos_loop';
      assert.equal(
        done.value(INJECTED, { proxy: r.proxy, type: r.type, origin }),
        r.n,
        `${r.proxy} ${r.type} ${origin}`,
      );
    }
    assert.equal(
      done.value(INJECTED),
      rows.reduce((sum, r) => sum + r.n, 0),
    );
  });

  it('refuses a method other than GET on /metrics', async () => {
    const res = await fetch(`${lab.manager!.url}/metrics`, { method: 'POST' });
    assert.equal(res.status, 405);
  });
});
