import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Phase } from '@chaos-lab/common';
import { startTestLab, toxicOnEveryProxy, toxicsOnProxies, waitFor, type TestLab } from './support/lab.js';

/** Long enough that every removal seen here is caused by a phase change, not by the duration. */
const DURATION_MIN_MS = 20_000;

describe('the run phase decides when toxics exist', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '1', TOXIC_DURATION_MS: `${DURATION_MIN_MS}-${DURATION_MIN_MS + 1000}` });
    await lab.startManager();
  });
  after(() => lab.close());

  /** Waits until the manager has run `count` more ticks that saw the run in `phase`. */
  async function ticksInPhase(runId: string, phase: Phase, count: number): Promise<void> {
    const first = await waitFor(`the manager to see ${runId} ${phase}`, async () => {
      const { body } = await lab.get('/status');
      return body.run?.runId === runId && body.phase === phase && (body.chaos.ticks as number);
    });
    await waitFor(
      `${count} ticks in ${phase}`,
      async () => ((await lab.get('/status')).body.chaos.ticks as number) >= first + count,
    );
  }

  async function allRemovedAndClosed(runId: string): Promise<void> {
    await waitFor('every toxic removed', async () => (await toxicsOnProxies(lab)).length === 0);
    await waitFor('every event closed', () => lab.events(runId).every((e) => e.ended_at !== null));
    for (const e of lab.events(runId))
      assert.ok(e.ended_at! - e.started_at < DURATION_MIN_MS, 'removed by the phase change');
  }

  /**
   * Makes the run active until every proxy holds a toxic, then moves it to `phase`: every toxic must
   * go, every event close, and nothing be injected in the next ticks.
   */
  async function activeThenLeave(runId: string, phase: 'idle' | 'done'): Promise<void> {
    lab.setPhase(runId, 'active');
    await toxicOnEveryProxy(lab);
    lab.setPhase(runId, phase);
    await allRemovedAndClosed(runId);
    const count = lab.events().length;
    await ticksInPhase(runId, phase, 3);
    assert.equal(lab.events().length, count, `nothing injected once ${phase}`);
  }

  it('injects nothing while there is no run, or the run is starting or idle', async () => {
    await waitFor(
      'a few ticks without a run',
      async () => ((await lab.get('/status')).body.chaos.ticks as number) >= 3,
    );
    lab.startRun('run-1', 'starting');
    await ticksInPhase('run-1', 'starting', 3);
    lab.setPhase('run-1', 'idle');
    await ticksInPhase('run-1', 'idle', 3);
    assert.deepEqual(lab.events(), []);
    assert.deepEqual(await toxicsOnProxies(lab), []);
  });

  it('injects once the run is active, and removes every toxic and closes its event when the run goes idle', async () => {
    await activeThenLeave('run-1', 'idle');
  });

  it('removes every toxic when the run is done, injects nothing after, and stays healthy', async () => {
    await activeThenLeave('run-1', 'done');
    assert.equal((await lab.get('/health')).status, 200);
  });

  it('follows the next run: its toxics carry its run id', async () => {
    lab.startRun('run-2', 'active');
    await toxicOnEveryProxy(lab);
    await waitFor('run-2 events', () => lab.events('run-2').length >= 7);
    assert.ok(lab.events('run-2').every((e) => e.run_id === 'run-2'));
    lab.setPhase('run-2', 'done');
    await allRemovedAndClosed('run-2');
  });

  it('treats an active run whose agent stopped beating as idle, and resumes when it beats again', async () => {
    lab.startRun('run-3', 'active');
    lab.heartbeat('run-3', Date.now() - 2 * lab.settings.HEARTBEAT_STALE_MS);
    await ticksInPhase('run-3', 'active', 3);
    assert.deepEqual(lab.events('run-3'), []);
    assert.match((await lab.get('/status')).body.chaos.problems['agent heartbeat'], /run-3 last beat \d+ ms ago/);
    lab.heartbeat('run-3');
    await toxicOnEveryProxy(lab);
    lab.heartbeat('run-3', Date.now() - 2 * lab.settings.HEARTBEAT_STALE_MS);
    await allRemovedAndClosed('run-3');
    assert.ok((await lab.get('/status')).body.chaos.problems['agent heartbeat']);
  });
});
