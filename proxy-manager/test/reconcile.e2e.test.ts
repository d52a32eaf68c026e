import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SERVICES, writeTransaction } from '@chaos-lab/common';
import type { Slot } from '../src/schedule/faults/fault-kind.js';
import { plannedToxicName } from '../src/schedule/faults/toxic.js';
import { sameListenAddress } from '../src/toxiproxy/desired-proxies.js';
import { isLabToxicName } from '../src/toxiproxy/toxic-names.js';
import { startTestLab, toxicsOnProxies, waitFor, type TestLab } from './support/lab.js';

async function toxiproxyCall(lab: TestLab, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(`${lab.toxiproxy.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('proxy reconciliation', () => {
  let lab: TestLab;
  const [search, weather, , calendar] = SERVICES;
  const proxyPort = (i: number) => SERVICES[i]!.proxyPort + lab.settings.PORT_OFFSET;
  const toolPort = (i: number) => SERVICES[i]!.toolPort + lab.settings.PORT_OFFSET;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0' });
  });
  after(() => lab.close());

  it('at start: creates missing proxies, sets drifted ones right, removes stale lab toxics, keeps hand-made ones, leaves foreign proxies alone, closes events left open', async () => {
    // What a crashed run leaves: a drifted proxy, a disabled one, stale toxics, an open event.
    assert.equal(
      await toxiproxyCall(lab, 'POST', '/proxies', {
        name: search!.proxyName,
        listen: `127.0.0.1:${proxyPort(0)}`,
        upstream: `127.0.0.1:${toolPort(0)}`,
      }),
      201,
    );
    assert.equal(
      await toxiproxyCall(lab, 'POST', `/proxies/${search!.proxyName}/toxics`, {
        name: 'plan_slow_search',
        type: 'latency',
        attributes: { latency: 1000 },
      }),
      200,
    );
    assert.equal(
      await toxiproxyCall(lab, 'POST', `/proxies/${search!.proxyName}/toxics`, {
        name: 'users_latency',
        type: 'latency',
        attributes: { latency: 5 },
      }),
      200,
    );
    assert.equal(
      await toxiproxyCall(lab, 'POST', '/proxies', {
        name: weather!.proxyName,
        listen: `127.0.0.1:${proxyPort(1)}`,
        upstream: '127.0.0.1:1',
      }),
      201,
    );
    assert.equal(
      await toxiproxyCall(lab, 'POST', `/proxies/${weather!.proxyName}/toxics`, {
        name: 'chaos_timeout_upstream',
        type: 'timeout',
        stream: 'upstream',
        attributes: { timeout: 4000 },
      }),
      200,
    );
    assert.equal(
      await toxiproxyCall(lab, 'POST', '/proxies', {
        name: calendar!.proxyName,
        listen: `127.0.0.1:${proxyPort(3)}`,
        upstream: `127.0.0.1:${toolPort(3)}`,
        enabled: false,
      }),
      201,
    );
    assert.equal(
      await toxiproxyCall(lab, 'POST', '/proxies', {
        name: 'someone_elses_proxy',
        listen: '127.0.0.1:0',
        upstream: '127.0.0.1:1',
      }),
      201,
    );
    assert.equal(
      await toxiproxyCall(lab, 'POST', '/proxies/someone_elses_proxy/toxics', {
        name: 'theirs',
        type: 'latency',
        attributes: { latency: 5 },
      }),
      200,
    );
    lab.startRun('crashed-run', 'active');
    const startedAt = Date.now() - 5000;
    writeTransaction(lab.db, () => {
      lab.db
        .prepare(
          `INSERT INTO fault_events (run_id, proxy, name, type, stream, toxicity, attributes, started_at) VALUES ('crashed-run', ?, 'chaos_timeout_upstream', 'timeout', 'upstream', 1, '{"timeout":4000}', ?)`,
        )
        .run(weather!.proxyName, startedAt);
    });
    lab.setPhase('crashed-run', 'done');

    await lab.startManager();

    const proxies = await lab.proxies();
    SERVICES.forEach((spec, i) => {
      const proxy = proxies[spec.proxyName];
      assert.ok(proxy, `${spec.proxyName} exists`);
      assert.equal(proxy.listen, `127.0.0.1:${proxyPort(i)}`);
      assert.equal(proxy.upstream, `127.0.0.1:${toolPort(i)}`);
      assert.equal(proxy.enabled, true, `${spec.proxyName} enabled`);
    });
    assert.deepEqual(await toxicsOnProxies(lab), [`${search!.proxyName}/users_latency`]);
    const manual = lab.events().filter((e) => e.name === 'users_latency');
    assert.equal(manual.length, 1, 'the hand-made toxic is recorded as a manual fault');
    assert.equal(manual[0]!.ended_at, null);
    assert.equal(await toxiproxyCall(lab, 'DELETE', `/proxies/${search!.proxyName}/toxics/users_latency`), 204);
    assert.deepEqual(
      proxies.someone_elses_proxy?.toxics.map((t) => t.name),
      ['theirs'],
    );
    const [event] = lab.events('crashed-run').filter((e) => e.name === 'chaos_timeout_upstream');
    assert.ok(event?.ended_at !== null && event!.ended_at >= startedAt, 'the open event is closed');
  });

  it('makes every proxy carry requests to its tool service', async () => {
    for (const [i, spec] of SERVICES.entries()) {
      const res = await fetch(`http://127.0.0.1:${proxyPort(i)}/health`);
      assert.equal(res.status, 200, spec.name);
      await res.arrayBuffer();
    }
  });

  it('while running: removes a lab toxic no one holds and sets a drifted proxy right on the next ticks', async () => {
    assert.equal(
      await toxiproxyCall(lab, 'POST', `/proxies/${search!.proxyName}/toxics`, {
        name: 'chaos_latency_upstream',
        type: 'latency',
        attributes: { latency: 2000 },
      }),
      200,
    );
    assert.equal(await toxiproxyCall(lab, 'POST', `/proxies/${weather!.proxyName}`, { upstream: '127.0.0.1:1' }), 200);
    await waitFor('the lab toxic to be removed', async () => (await toxicsOnProxies(lab)).length === 0);
    await waitFor(
      'weather_proxy to be set right',
      async () => (await lab.proxies())[weather!.proxyName]?.upstream === `127.0.0.1:${toolPort(1)}`,
    );
    assert.equal(
      lab.events().filter((e) => e.run_id !== 'crashed-run').length,
      0,
      'nothing injected at TOXIC_PROB=0, nothing recorded as hand-made',
    );
  });

  it('reports a proxy it cannot create (its port taken) in /health and /status, and creates it once the port is free', async () => {
    const blocker = createServer();
    await waitFor("weather_proxy's port held by another program", async () => {
      await toxiproxyCall(lab, 'DELETE', `/proxies/${weather!.proxyName}`);
      return new Promise<boolean>((resolve) => {
        blocker.once('error', () => resolve(false));
        blocker.listen(proxyPort(1), '127.0.0.1', () => resolve(true));
      });
    });
    const health = await waitFor('/health 503', async () => {
      const res = await lab.get('/health');
      return res.status === 503 && res.body;
    });
    assert.deepEqual(health.reasons, [`proxy ${weather!.proxyName} missing in Toxiproxy`]);
    const problem = await waitFor(
      'the problem in /status',
      async () => (await lab.get('/status')).body.chaos.problems.proxies as string | undefined,
    );
    assert.match(problem, new RegExp(`create proxy ${weather!.proxyName}: HTTP 500 .*address already in use`));
    await new Promise((resolve) => blocker.close(resolve));
    await waitFor('/health 200', async () => (await lab.get('/health')).status === 200);
  });

  it('tells the lab’s toxic names from hand-made ones: the loop’s and the planned faults’ are the lab’s', () => {
    assert.ok(isLabToxicName('chaos_latency_upstream'));
    assert.ok(isLabToxicName(plannedToxicName({ fault: { name: 'slow' } as Slot['fault'], service: 'weather' })));
    assert.ok(!isLabToxicName('slow_weather'));
    assert.ok(!isLabToxicName('latency_downstream'));
  });

  it('takes the address Toxiproxy reports having bound for the one asked for, and nothing else', () => {
    assert.ok(sameListenAddress('[::]:6000', '0.0.0.0:6000'));
    assert.ok(sameListenAddress('127.0.0.1:6000', 'localhost:6000'));
    assert.ok(sameListenAddress('127.0.0.1:6000', '127.0.0.1:6000'));
    assert.ok(!sameListenAddress('127.0.0.1:6001', '127.0.0.1:6000'));
    assert.ok(!sameListenAddress('10.0.0.5:6000', '127.0.0.1:6000'));
    assert.ok(!sameListenAddress('127.0.0.1:6000', '0.0.0.0:6000'));
  });
});
