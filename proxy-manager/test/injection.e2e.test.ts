import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT, SERVICES } from '@chaos-lab/common';
import { startTestLab, waitFor, type TestLab, type ToxicEventRow } from './support/lab.js';

const DURATION = { min: 300, max: 500 };

describe('toxic injection while the run is active', () => {
  let lab: TestLab;
  const proxyNames = SERVICES.map((s) => s.proxyName);

  before(async () => {
    // PROXY_TIMEOUT_MS 600: a timeout toxic stays at least its timeout (300-900 ms here), inside the bounds below.
    lab = await startTestLab({
      TOXIC_PROB: '1',
      TOXICS: 'timeout,latency,bandwidth',
      TOXIC_DURATION_MS: `${DURATION.min}-${DURATION.max}`,
      PROXY_TIMEOUT_MS: '600',
    });
    lab.startRun('run-1', 'active');
    await lab.startManager();
  });
  after(() => lab.close());

  it('puts a toxic on every proxy, each recorded as an open toxic_events row matching it', async () => {
    const proxies = await waitFor('a toxic on every proxy', async () => {
      const listed = await lab.proxies();
      return proxyNames.every((name) => listed[name]?.toxics.length === 1) && listed;
    });
    const open = lab.events('run-1').filter((e) => e.ended_at === null);
    for (const name of proxyNames) {
      const toxic = proxies[name]!.toxics[0]!;
      assert.match(toxic.name, /^chaos_(timeout|latency|bandwidth)_(upstream|downstream)$/);
      const event = open.find((e) => e.proxy === name && e.name === toxic.name);
      assert.ok(event, `an open event for ${name}/${toxic.name}`);
      assert.equal(event.type, toxic.type);
      assert.equal(event.stream, toxic.stream);
      assert.equal(event.toxicity, toxic.toxicity);
      for (const [key, value] of Object.entries(JSON.parse(event.attributes) as Record<string, number>)) {
        assert.equal(toxic.attributes[key], value, `${name} ${key}`);
      }
    }
  });

  it('removes each toxic when its duration ends and closes its event, then injects again', async () => {
    const closed = await waitFor('events of every proxy to close', () => {
      const rows = lab.events('run-1').filter((e) => e.ended_at !== null);
      return proxyNames.every((p) => rows.some((e) => e.proxy === p)) && rows;
    });
    for (const event of closed) {
      const heldMs = event.ended_at! - event.started_at;
      assert.ok(heldMs >= DURATION.min - 20 && heldMs <= DURATION.max + 1500, `${event.proxy} held ${heldMs} ms`);
    }
    await waitFor('a second round of injections', () =>
      proxyNames.every((p) => lab.events('run-1').filter((e) => e.proxy === p).length >= 2),
    );
  });

  it('never holds two injected toxics on one proxy at once', () => {
    const byProxy = new Map<string, ToxicEventRow[]>();
    for (const e of lab.events('run-1')) byProxy.set(e.proxy, [...(byProxy.get(e.proxy) ?? []), e]);
    for (const [proxy, events] of byProxy) {
      for (let i = 1; i < events.length; i++) {
        const previous = events[i - 1]!;
        assert.ok(
          previous.ended_at !== null && previous.ended_at <= events[i]!.started_at,
          `${proxy}: event ${events[i]!.id} overlaps ${previous.id}`,
        );
      }
    }
  });

  it('reports the active toxics, the run and its phase, and injection counts in /status', async () => {
    const { status, body } = await lab.get('/status');
    assert.equal(status, 200);
    assert.equal(body.run.runId, 'run-1');
    assert.equal(body.phase, 'active');
    assert.equal(body.proxies.length, 7);
    assert.ok(
      body.activeToxics.every(
        (t: { runId: string; proxy: string }) => t.runId === 'run-1' && proxyNames.includes(t.proxy),
      ),
    );
    const total = lab.events('run-1').length;
    assert.ok(
      body.injections.run.total >= 14 && body.injections.run.total <= total,
      `${body.injections.run.total} of ${total}`,
    );
    assert.deepEqual(Object.keys(body.injections.run.byProxy).sort(), [...proxyNames].sort());
  });

  it('logs every injection and removal with the run id', () => {
    const lines = readFileSync(join(lab.settings.LOG_DIR, 'info.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; run_id?: string; proxy?: string });
    const injected = lines.filter((l) => l.msg === 'toxic injected');
    const removed = lines.filter((l) => l.msg === 'toxic removed');
    assert.ok(injected.length >= 14 && removed.length >= 7, `${injected.length} injected, ${removed.length} removed`);
    for (const line of [...injected, ...removed]) {
      assert.equal(line.run_id, 'run-1');
      assert.ok(proxyNames.includes(line.proxy!));
    }
  });

  it('waits while another process holds the database locked, and carries on without losing a record', async () => {
    const locker = spawn(
      process.execPath,
      [
        '-e',
        "const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked'); setTimeout(() => db.exec('COMMIT'), 1000);",
        lab.settings.LAB_DB_PATH,
      ],
      { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(locker.stdout!, 'data');
    await once(locker, 'exit');
    const after = lab.events('run-1').length;
    await waitFor('injections recorded after the lock', () => lab.events('run-1').length >= after + 7);
    const { body } = await lab.get('/status');
    assert.deepEqual(body.chaos.problems, {});
    assert.equal(body.injections.failedSinceStart, 0);
  });
});
