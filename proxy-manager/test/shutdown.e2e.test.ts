import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { PROJECT_ROOT } from '@chaos-lab/common';
import { startTestLab, toxicOnEveryProxy, toxicsOnProxies, waitFor, type TestLab } from './support/lab.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/manager-process.ts', import.meta.url));

describe('shutdown', () => {
  let lab: TestLab;
  // Toxics that would outlive the test by far if shutdown left them behind.
  const env = { TOXIC_PROB: '1', TOXIC_DURATION_MS: '60000-60000' };

  before(async () => {
    lab = await startTestLab(env);
  });
  after(() => lab.close());

  /** Starts the proxy-manager as a child process with the lab's settings; resolves once it runs. */
  async function spawnManager(): Promise<ChildProcess> {
    const s = lab.settings;
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', FIXTURE], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        ...env,
        LAB_DB_PATH: s.LAB_DB_PATH,
        LOG_DIR: s.LOG_DIR,
        LOG_CONSOLE: 'off',
        PORT_OFFSET: String(s.PORT_OFFSET),
        TOXIPROXY_URL: lab.toxiproxy.url,
        CHAOS_INTERVAL_MS: String(s.CHAOS_INTERVAL_MS),
        CHAOS_SEED: '1',
        MODEL_PROXY: 'off',
      },
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const [line] = (await Promise.race([
      once(child.stdout!, 'data'),
      once(child, 'exit').then(([code]) => {
        throw new Error(`manager exited with ${code} before running: ${stderr}`);
      }),
    ])) as [Buffer];
    assert.match(line.toString(), /"url":"http:\/\/127\.0\.0\.1:\d+"/);
    return child;
  }

  /** Starts `runId` active and a manager process, and waits for its toxic on every proxy, each with an open event. */
  async function managerWithToxics(runId: string): Promise<ChildProcess> {
    lab.startRun(runId, 'active');
    const child = await spawnManager();
    await toxicOnEveryProxy(lab);
    await waitFor('their events', () => lab.events(runId).filter((e) => e.ended_at === null).length === 7);
    return child;
  }

  it('on SIGTERM removes every toxic, closes every event and exits 0', async () => {
    const child = await managerWithToxics('term-run');
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    assert.deepEqual(await toxicsOnProxies(lab), []);
    assert.ok(lab.events('term-run').every((e) => e.ended_at !== null));
    assert.ok(part()!.stopped_at !== null, 'the manager recorded its clean stop in parts');
  });

  it("after SIGKILL mid-toxic, the next start removes the toxics and closes their events at the dead manager's last heartbeat", async () => {
    const child = await managerWithToxics('kill-run');
    // A heartbeat after the injections, so the close time is checked against a heartbeat, not the start.
    const injectedAt = Math.max(...lab.events('kill-run').map((e) => e.started_at));
    await waitFor('a heartbeat after the injections', () => (part()?.heartbeat_at ?? 0) > injectedAt);
    child.kill('SIGKILL');
    await once(child, 'exit');
    const killedAt = Date.now();
    const lastBeat = part()!.heartbeat_at;
    assert.equal(part()!.stopped_at, null, 'a killed manager never says it stopped');
    assert.equal((await toxicsOnProxies(lab)).length, 7, 'SIGKILL left the toxics in place');
    lab.setPhase('kill-run', 'done');
    await lab.startManager();
    assert.deepEqual(await toxicsOnProxies(lab), []);
    const events = lab.db
      .prepare("SELECT id, started_at, ended_at, ended_by FROM fault_events WHERE run_id = 'kill-run'")
      .all() as {
      id: number;
      started_at: number;
      ended_at: number | null;
      ended_by: string | null;
    }[];
    assert.equal(events.length, 7);
    for (const e of events) {
      assert.equal(e.ended_at, Math.max(lastBeat, e.started_at), `event ${e.id} closed at the last heartbeat`);
      assert.ok(e.ended_at! <= killedAt, `event ${e.id} not closed at the next start`);
      assert.equal(e.ended_by, 'manager_lost');
    }
    assert.equal(part()!.pid, process.pid, 'the new manager took the row');
  });

  it('on SIGTERM after Toxiproxy died: the toxics died with it, so their events are closed as toxiproxy_lost, not left open', async () => {
    await lab.manager?.close(); // the one the previous test started: one manager at a time
    const child = await managerWithToxics('lost-toxiproxy-run');
    await lab.toxiproxy.stop();
    const stoppedAt = Date.now();
    try {
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      await lab.toxiproxy.start();
    }
    const events = lab.db
      .prepare("SELECT ended_at, ended_by FROM fault_events WHERE run_id = 'lost-toxiproxy-run'")
      .all() as { ended_at: number | null; ended_by: string }[];
    assert.equal(events.length, 7);
    for (const e of events) {
      assert.equal(e.ended_by, 'toxiproxy_lost');
      assert.ok(e.ended_at !== null && e.ended_at >= stoppedAt, JSON.stringify(e));
    }
  });

  /** The proxy-manager's `parts` row. */
  function part(): { pid: number; heartbeat_at: number; stopped_at: number | null } | undefined {
    return lab.db
      .prepare("SELECT pid, heartbeat_at, stopped_at FROM parts WHERE part = 'proxy-manager'")
      .get() as never;
  }
});
