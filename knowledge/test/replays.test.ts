// A replay is counted once: runs with the same settings, seed and prompts that meet the same fault on
// the same prompts (a shrink's replays, a breaking-point search run twice with one seed, the same seed
// and plan re-run) add no observation: the band shows them apart as replays, and its counts, success
// rate and interval are the first run's. Another seed is another observation.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { findReplays, rebuildKnowledge, settingsProfile, type RunFacts } from '@chaos-lab/knowledge';
import { recordRun, type PromptSpec } from './support/recorded-runs.js';

const T0 = Date.UTC(2026, 0, 13, 9, 0, 0);
const tmp = makeTempDir('knowledge-replays-');
let db: Database;

const SETTINGS = { PROXY_TIMEOUT_MS: 1000, FALLBACK: 'off' };
const prompts = (status: 'correct' | 'failed'): PromptSpec[] =>
  Array.from({ length: 6 }, () => ({
    service: 'weather',
    status,
    attempts: [{ outcome: status === 'correct' ? 'ok' : 'timeout', durationMs: 950 }],
  }));
const latency = [{ service: 'weather', type: 'latency', attributes: { latency: 900 }, fromMs: 0, toMs: 6000 }];

before(() => {
  db = openDatabase(join(tmp.path, 'lab.db'));
  recordRun(db, 'original', T0, prompts('failed'), latency, 'completed', { seed: 7, settings: SETTINGS });
  // Two replays of it (one where the timing fell the other way on every prompt: still a replay).
  recordRun(db, 'replay-1', T0 + 60_000, prompts('failed'), latency, 'completed', { seed: 7, settings: SETTINGS });
  recordRun(db, 'replay-2', T0 + 120_000, prompts('correct'), latency, 'completed', { seed: 7, settings: SETTINGS });
  // Another seed: an independent observation.
  recordRun(db, 'seed-8', T0 + 180_000, prompts('correct'), latency, 'completed', { seed: 8, settings: SETTINGS });
});

after(() => {
  db.close();
  tmp.cleanup();
});

describe('replays', () => {
  it('counts a replay once: the band keeps the first run and shows the replays apart', () => {
    const { rows } = rebuildKnowledge(db);
    assert.equal(rows.length, 1);
    const [band] = rows;
    assert.equal(band!.faultEvents, 2, 'the original and the other seed');
    assert.equal(band!.runs, 2);
    assert.equal(band!.replayEvents, 2);
    assert.equal(band!.replayRuns, 2);
    assert.deepEqual([band!.promptsCorrect, band!.promptsChecked], [6, 12], 'not 12 of 24: replays add no prompt');
    assert.equal(band!.attempts, 12);
  });

  it('never calls two events of one run replays, nor events of another seed, settings or prompts', () => {
    const profile = settingsProfile(SETTINGS, 'offline');
    const facts = (runId: string, seed: number, p = profile, digest = 'd'): RunFacts => ({
      runId,
      seed,
      profile: p,
      promptsDigest: digest,
    });
    const event = (id: number, runId: string, attributes = '{"latency":900}') => ({
      id,
      runId,
      kind: 'toxic',
      target: 'weather',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes,
      startedAt: id,
    });
    const runs = new Map([
      ['a', facts('a', 1)],
      ['b', facts('b', 1)],
      ['c', facts('c', 2)],
      ['d', facts('d', 1, settingsProfile({ ...SETTINGS, PROXY_TIMEOUT_MS: 2000 }, 'offline'))],
      ['e', facts('e', 1, profile, 'other prompts')],
    ]);
    const replays = findReplays(
      [
        event(1, 'a'),
        event(2, 'a'),
        event(3, 'b', '{ "latency": 900 }'),
        event(4, 'c'),
        event(5, 'd'),
        event(6, 'e'),
        event(7, 'b', '{"latency":901}'),
      ],
      runs,
      (id) => (id === 7 ? [0] : [0, 1]),
    );
    assert.deepEqual([...replays], [[3, 1]], 'only b’s event replays a’s first (attribute order does not matter)');
  });
});
