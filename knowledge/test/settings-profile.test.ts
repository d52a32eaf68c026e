// Runs made with different settings are never blended: two sets of runs under one latency band, one
// with PROXY_TIMEOUT_MS=1000 and FALLBACK=off, one with the defaults, give two bands, each with its own
// interval and verdict; runs with equal settings share one; an unrecorded setting reads "?".
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSettings, openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { loadKnowledge, PROFILE_SETTINGS, rebuildKnowledge, riskProfiles, settingsProfile } from '@chaos-lab/knowledge';
import { recordRun, type PromptSpec } from './support/recorded-runs.js';

const T0 = Date.UTC(2026, 0, 12, 9, 0, 0);
const tmp = makeTempDir('knowledge-profiles-');
let db: Database;

const weather = (status: 'correct' | 'failed', n: number, offset = 0): PromptSpec[] =>
  Array.from({ length: n }, (_, i) => ({
    service: 'weather',
    status,
    attempts: [{ outcome: status === 'correct' ? 'ok' : 'timeout', durationMs: 900 + offset + i }],
  }));
const latency = [{ service: 'weather', type: 'latency', attributes: { latency: 900 }, fromMs: 0, toMs: 60_000 }];
/** Every profile setting at its default, as a run with no setting of its own records them. */
const DEFAULTS: Record<string, unknown> = Object.fromEntries(
  PROFILE_SETTINGS.map((k) => [k, (loadSettings({}, { dotenv: false }) as unknown as Record<string, unknown>)[k]]),
);
const STRICT = { ...DEFAULTS, PROXY_TIMEOUT_MS: 1000, FALLBACK: 'off' };

before(() => {
  db = openDatabase(join(tmp.path, 'lab.db'));
  // Under a 1000 ms timeout a 900 ms latency fails most prompts; under 5000 ms none.
  recordRun(db, 'strict-1', T0, [...weather('failed', 5), ...weather('correct', 1)], latency, 'completed', {
    seed: 1,
    settings: STRICT,
  });
  recordRun(db, 'strict-2', T0 + 60_000, weather('failed', 6, 10), latency, 'completed', {
    seed: 2,
    settings: STRICT,
  });
  recordRun(db, 'default-1', T0 + 120_000, weather('correct', 10), latency, 'completed', {
    seed: 3,
    settings: DEFAULTS,
  });
  recordRun(db, 'default-2', T0 + 180_000, weather('correct', 10, 10), latency, 'completed', {
    seed: 4,
    settings: DEFAULTS,
  });
});

after(() => {
  db.close();
  tmp.cleanup();
});

describe('settings profiles', () => {
  it('never blends runs made with different PROXY_TIMEOUT_MS into one band', () => {
    const { rows, profiles } = rebuildKnowledge(db);
    assert.equal(rows.length, 2, 'one latency band per profile, not one band of four runs');
    assert.equal(profiles.length, 2);
    const strict = profiles.find((p) => p.settings.PROXY_TIMEOUT_MS === 1000)!;
    const loose = profiles.find((p) => p.settings.PROXY_TIMEOUT_MS === DEFAULTS.PROXY_TIMEOUT_MS)!;
    assert.equal(strict.runs, 2);
    assert.match(strict.label, /^FALLBACK=off PROXY_TIMEOUT_MS=1000 · offline$/);
    assert.match(loose.label, /^defaults · offline$/, 'the defaults written out are the defaults');
    const band = (id: string) => rows.find((r) => r.settingsProfile === id)!;
    assert.equal(band(strict.id).band, band(loose.id).band, 'the same band, kept apart');
    assert.deepEqual([band(strict.id).promptsCorrect, band(strict.id).promptsChecked], [1, 12]);
    assert.deepEqual([band(loose.id).promptsCorrect, band(loose.id).promptsChecked], [20, 20]);
    assert.equal(band(strict.id).runs, 2);
    const verdicts = new Map(riskProfiles(rows).map((p) => [p.settingsProfile, p.bands.map((b) => b.verdict).join()]));
    assert.equal(verdicts.get(strict.id), 'broken');
    assert.equal(
      verdicts.get(loose.id),
      'held',
      'a blend (21 of 32 correct, 95% Wilson 48%–79.6%) would have called both broken',
    );
    const reloaded = loadKnowledge(db);
    assert.deepEqual(reloaded.rows, rows);
    assert.deepEqual(
      reloaded.profiles.map((p) => [p.id, p.label, p.runs]),
      profiles.map((p) => [p.id, p.label, p.runs]),
    );
  });

  it('keys a profile by every setting that changes behaviour, the model and the agent under test, and says "?" when unrecorded', () => {
    const base = { ...DEFAULTS };
    const id = (settings: Record<string, unknown>, model = 'offline') => settingsProfile(settings, model).id;
    assert.equal(id(base), id({ ...base, LOG_LEVEL: 'debug', CHAOS_SEED: 9 }), 'other settings are not in the key');
    for (const k of PROFILE_SETTINGS)
      assert.notEqual(id(base), id({ ...base, [k]: 'changed' }), `${k} changes the profile`);
    assert.notEqual(id(base), id(base, 'groq:llama-3.3-70b-versatile'), 'so does the model');
    assert.match(settingsProfile({}, null).label, /^TOOL_LIMIT=\? PROMPT_LIMIT=\? FALLBACK=\? .* · model \?$/);
    assert.match(
      settingsProfile({ ...base, AGENT_URL: 'http://127.0.0.1:9/agent' }, 'offline').label,
      /^AGENT_URL=http:\/\/127\.0\.0\.1:9\/agent · offline$/,
    );
  });
});
