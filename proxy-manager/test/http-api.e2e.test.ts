import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createLogger, SERVICES } from '@chaos-lab/common';
import { systemClock } from '../src/util/clock.js';
import { desiredProxies } from '../src/toxiproxy/desired-proxies.js';
import { healthReport } from '../src/http/status-bodies.js';
import { ToxiproxyGateway } from '../src/toxiproxy/gateway.js';
import { startTestLab, waitFor, type TestLab } from './support/lab.js';

describe('HTTP API', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0' });
    await lab.startManager();
  });
  after(() => lab.close());

  it('answers /health 200 when Toxiproxy answers and all seven proxies exist', async () => {
    const { status, body } = await lab.get('/health');
    assert.equal(status, 200);
    assert.equal(body.status, 'ok');
    assert.deepEqual(body.reasons, []);
  });

  it('answers /health 503 with the reason while Toxiproxy is down, and 200 again once it is back', async () => {
    await lab.toxiproxy.stop();
    const down = await lab.get('/health');
    assert.equal(down.status, 503);
    assert.equal(down.body.status, 'unhealthy');
    assert.match(down.body.reasons[0], /^Toxiproxy unreachable: /);
    assert.deepEqual(
      down.body.missingProxies,
      SERVICES.map((s) => s.proxyName),
    );
    await lab.toxiproxy.start();
    const back = await waitFor('/health 200', async () => {
      const res = await lab.get('/health');
      return res.status === 200 && res;
    });
    assert.deepEqual(back.body.missingProxies, []);
  });

  it('names each missing proxy in the /health reasons', async () => {
    const gateway = new ToxiproxyGateway({
      url: lab.toxiproxy.url,
      timeoutMs: 1000,
      clock: systemClock,
      logger: createLogger({ name: 'test', settings: lab.settings }),
    });
    const ghost = { service: 'search', name: 'ghost_proxy', listen: '127.0.0.1:0', upstream: '127.0.0.1:1' } as const;
    const report = await healthReport(gateway, [...desiredProxies(lab.settings), ghost]);
    assert.equal(report.healthy, false);
    assert.deepEqual(report.reasons, ['proxy ghost_proxy missing in Toxiproxy']);
    assert.deepEqual(report.missingProxies, ['ghost_proxy']);
  });

  it('reports proxies, run, phase, injections and tool health in /status', async () => {
    lab.startRun('status-run', 'idle');
    const body = await waitFor('the run in /status', async () => {
      const res = await lab.get('/status');
      return res.body.run?.runId === 'status-run' && res.body;
    });
    assert.equal(body.status, 'running');
    assert.equal(body.phase, 'idle');
    assert.equal(body.seed, 1);
    assert.equal(body.toxiproxy.reachable, true);
    assert.deepEqual(
      body.proxies.map((p: { name: string }) => p.name),
      SERVICES.map((s) => s.proxyName),
    );
    for (const proxy of body.proxies) {
      assert.equal(proxy.exists, true);
      assert.deepEqual(proxy.drift, []);
    }
    assert.deepEqual(body.activeToxics, []);
    assert.deepEqual(body.injections.run, { total: 0, open: 0, byProxy: {}, byType: {} });
    assert.equal(body.tools.length, 7);
    assert.deepEqual(body.docker, {
      monitored: false,
      detail: 'no Docker socket (DOCKER_HOST unset, /var/run/docker.sock absent)',
    });
  });

  it('answers unknown paths with 404 and other methods with 405, in JSON', async () => {
    const missing = await lab.get('/nope');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error, /GET \/nope/);
    const res = await fetch(`${lab.manager!.url}/health`, { method: 'POST' });
    assert.equal(res.status, 405);
    assert.match(((await res.json()) as { error: string }).error, /use GET/);
  });
});
