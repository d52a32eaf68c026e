import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVICES } from '@chaos-lab/common';
import { startTestLab, toxicOnEveryProxy, toxicsOnProxies, waitFor, type TestLab } from './support/lab.js';

describe('a Toxiproxy restart', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '1', TOXIC_DURATION_MS: '60000-60000' });
    lab.startRun('restart-run', 'active');
    await lab.startManager();
    await toxicOnEveryProxy(lab);
  });
  after(() => lab.close());

  it('is healed without restarting the manager: proxies recreated, lost toxics closed, chaos goes on', async () => {
    const before = lab.events('restart-run');
    assert.equal(before.length, 7);
    await lab.toxiproxy.stop();
    await waitFor('the manager to notice', async () => (await lab.get('/status')).body.toxiproxy.reachable === false);
    await lab.toxiproxy.start();
    const proxies = await waitFor('the proxies to be recreated', async () => {
      const listed = await lab.proxies();
      return SERVICES.every((s) => listed[s.proxyName]) && listed;
    });
    for (const spec of SERVICES)
      assert.equal(proxies[spec.proxyName]!.upstream, `127.0.0.1:${spec.toolPort + lab.settings.PORT_OFFSET}`);
    await waitFor("the lost toxics' events to close", () =>
      before.every((e) => lab.events('restart-run').find((r) => r.id === e.id)?.ended_at !== null),
    );
    await waitFor('new toxics on the new proxies', async () => (await toxicsOnProxies(lab)).length === 7);
    assert.equal(lab.events('restart-run').filter((e) => e.ended_at === null).length, 7);
  });

  it('leaves working proxies once the run is over', async () => {
    lab.setPhase('restart-run', 'done');
    await waitFor('every toxic removed', async () => (await toxicsOnProxies(lab)).length === 0);
    for (const spec of SERVICES) {
      const res = await fetch(`http://127.0.0.1:${spec.proxyPort + lab.settings.PORT_OFFSET}/health`);
      assert.equal(res.status, 200, spec.name);
      await res.arrayBuffer();
    }
  });
});
