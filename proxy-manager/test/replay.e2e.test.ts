import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOXIC_TYPES } from '@chaos-lab/common';
import { startTestLab, toxicsOnProxies, waitFor, type TestLab } from './support/lab.js';

const COMPARED = 20;

describe('replay from the seed', () => {
  let lab: TestLab;

  before(async () => {
    // Every type, a coin flip per proxy per tick, and durations of 1-5 ticks: a sequence that only
    // repeats if draws and the one-toxic-per-proxy rule are both deterministic.
    lab = await startTestLab({
      TOXIC_PROB: '0.5',
      TOXICS: TOXIC_TYPES.join(','),
      CHAOS_INTERVAL_MS: '50',
      TOXIC_DURATION_MS: '50-250',
      CHAOS_SEED: '42',
    });
  });
  after(() => lab.close());

  /**
   * Runs `runId` (recording `seed`, default the lab's 42) active until it has `COMPARED` injections,
   * ends it, and returns them in order.
   */
  async function injections(runId: string, seed?: number): Promise<string[]> {
    lab.startRun(runId, 'active', seed);
    await waitFor(`${COMPARED} injections in ${runId}`, () => lab.events(runId).length >= COMPARED, 20_000);
    lab.setPhase(runId, 'done');
    await waitFor('every toxic removed', async () => (await toxicsOnProxies(lab)).length === 0);
    return sequence(runId);
  }

  /** A run's first `COMPARED` injections, one line each. */
  function sequence(runId: string): string[] {
    return lab
      .events(runId)
      .slice(0, COMPARED)
      .map((e) => `${e.proxy} ${e.type} ${e.stream} ${e.toxicity} ${e.attributes}`);
  }

  it('injects the same toxics in the same order for two runs with the same seed, across manager restarts', async () => {
    await lab.startManager();
    const first = await injections('seed-42-a');
    const second = await injections('seed-42-b');
    await lab.manager!.close();
    await lab.startManager();
    const third = await injections('seed-42-c');
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
    assert.ok(new Set(first.map((line) => line.split(' ')[1])).size >= 3, 'the sequence mixes toxic types');
  });

  it('injects a different sequence for a run with another seed', async () => {
    assert.notDeepEqual(await injections('seed-43', 43), sequence('seed-42-a'));
  });

  it('follows the seed the run recorded, not its own CHAOS_SEED', async () => {
    // In compose without CHAOS_SEED each container draws a seed of its own; the run's recorded seed rules.
    await lab.manager!.close();
    await lab.startManager({ CHAOS_SEED: 7 });
    assert.deepEqual(await injections('seed-42-d', 42), sequence('seed-42-a'));
  });
});
