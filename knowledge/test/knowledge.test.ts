// The knowledge on known data: runs written through the lab's own record writers into a real SQLite
// file, then rebuilt: counts, the Wilson interval, recovery, p95, bystanders, "unknown" on thin
// evidence, verdicts against the tolerance, and a rebuild that changes nothing when nothing changed.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { loadKnowledge, rebuildKnowledge, riskProfiles, type KnowledgeRow } from '@chaos-lab/knowledge';
import { recordRun, type PromptSpec } from './support/recorded-runs.js';

const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);
const tmp = makeTempDir('knowledge-');
let db: Database;

const ok = { outcome: 'ok', durationMs: 600 } as const;
const timeout = { outcome: 'timeout', durationMs: 900 } as const;

/** Run A: a 500 ms latency on weather for 12 s; 8 of 10 checked weather prompts correct, one unchecked, a calculator bystander that failed. */
const RUN_A: PromptSpec[] = [
  { service: 'weather', status: 'correct', attempts: [{ outcome: 'timeout', durationMs: 800 }, ok] },
  ...Array.from({ length: 7 }, (): PromptSpec => ({ service: 'weather', status: 'correct', attempts: [ok] })),
  { service: 'weather', status: 'failed', attempts: [timeout, timeout] },
  { service: 'weather', status: 'failed', attempts: [timeout, timeout] },
  { service: 'weather', status: 'unchecked', attempts: [ok] },
  { service: 'calculator', status: 'failed', attempts: [{ outcome: 'reset', durationMs: 5 }] },
];

before(() => {
  db = openDatabase(join(tmp.path, 'lab.db'));
  recordRun(db, 'run-a', T0, RUN_A, [
    { service: 'weather', type: 'latency', attributes: { latency: 500 }, fromMs: 0, toMs: 12_000 },
  ]);
  // Run B: thin evidence on calendar (2 prompts), and a half-toxic latency in a band group of its own.
  recordRun(
    db,
    'run-b',
    T0 + 3_600_000,
    [
      { service: 'calendar', status: 'correct', attempts: [ok] },
      { service: 'calendar', status: 'correct', attempts: [ok] },
    ],
    [
      { service: 'calendar', type: 'latency', attributes: { latency: 50 }, fromMs: 0, toMs: 2000 },
      { service: 'calendar', type: 'latency', attributes: { latency: 500 }, fromMs: 0, toMs: 1000, toxicity: 0.5 },
    ],
  );
  // Run C never finished: it teaches nothing.
  recordRun(
    db,
    'run-c',
    T0 + 7_200_000,
    [{ service: 'weather', status: 'failed', attempts: [timeout] }],
    [{ service: 'weather', type: 'latency', attributes: { latency: 5000 }, fromMs: 0, toMs: null }],
    'running',
  );
});

after(() => {
  db.close();
  tmp.cleanup();
});

const find = (rows: readonly KnowledgeRow[], target: string, band: string) =>
  rows.find((r) => r.target === target && r.band === band);

describe('knowledge', () => {
  it('aggregates a band: observations, truthful success rate with its Wilson interval, recovery, p95, bystanders, last seen', () => {
    const { rows, build } = rebuildKnowledge(db);
    assert.equal(build.runs, 2);
    assert.equal(build.faultEvents, 3, 'the unfinished run is left out');
    assert.deepEqual(
      rows.map((r) => `${r.target} ${r.faultKind} ${r.band}`),
      [
        'calendar toxic:latency latency 0–250 ms',
        'calendar toxic:latency latency 250–1000 ms · toxicity 0.5–1',
        'weather toxic:latency latency 250–1000 ms',
      ],
    );
    const w = find(rows, 'weather', 'latency 250–1000 ms')!;
    assert.equal(w.faultEvents, 1);
    assert.equal(w.promptsExposed, 11);
    assert.equal(w.promptsChecked, 10, 'the unchecked prompt is not checked');
    assert.equal(w.promptsCorrect, 8);
    assert.equal(w.successRate, 0.8);
    assert.ok(
      Math.abs(w.successLow! - 0.49016) < 1e-4 && Math.abs(w.successHigh! - 0.94334) < 1e-4,
      `${w.successLow} ${w.successHigh}`,
    );
    assert.equal(w.failedCalls, 3);
    assert.equal(w.recoveredCalls, 1, 'the first call recovered on its retry');
    assert.equal(w.attempts, 14);
    assert.equal(w.attemptP95Ms, 900);
    assert.equal(w.promptP95Ms, 999);
    assert.equal(w.bystanderPrompts, 1);
    assert.equal(w.bystanderFailures, 1, 'the calculator prompt failed during the weather fault');
    assert.equal(w.duplicateSideEffects, null, 'never measured');
    assert.equal(w.lastSeen, T0);
  });

  it('says unknown on thin evidence, held or broken only when the interval clears the tolerance', () => {
    const { rows } = loadKnowledge(db);
    const judged = (tolerance?: number) => riskProfiles(rows, { tolerance });
    const weatherBand = (tolerance?: number) => judged(tolerance).find((p) => p.target === 'weather')!;
    assert.equal(weatherBand().bands[0]!.verdict, 'unknown', '49%–94% straddles the default 80%');
    assert.match(weatherBand().bands[0]!.reason, /straddles 80%/);
    assert.equal(weatherBand(0.45).bands[0]!.verdict, 'held');
    assert.deepEqual(weatherBand(0.45).safeRange, { 'toxic:latency': ['latency 250–1000 ms'] });
    assert.equal(weatherBand(0.45).level, 'low');
    const strict = weatherBand(0.95);
    assert.equal(strict.level, 'high');
    assert.ok(Math.abs(strict.provenFailureRate! - (1 - 0.94334)) < 1e-4);
    const calendar = judged(0.45).find((p) => p.target === 'calendar')!;
    assert.equal(calendar.level, 'unknown');
    assert.deepEqual(calendar.safeRange, {}, 'two correct prompts prove no safe range');
    assert.match(calendar.bands[0]!.reason, /^thin evidence: 2 checked prompts \(< 5\)$/);
    assert.equal(calendar.provenFailureRate, null);
    assert.equal(calendar.observations, 2);
  });

  it("takes an experiment's tolerance and duplicate side effects for its runs", () => {
    db.prepare(
      "INSERT INTO experiments (experiment_id, title, file, source, seed, started_at, finished_at, verdict) VALUES ('e1', 't', 'f', 's', 1, ?, ?, 'held')",
    ).run(T0, T0 + 1);
    db.prepare(
      "INSERT INTO experiment_variants (experiment_id, variant, position, run_id, started_at) VALUES ('e1', 'v', 1, 'run-a', ?)",
    ).run(T0);
    db.prepare(
      "INSERT INTO experiment_checks (experiment_id, variant, check_index, metric, value, bound, tolerance, held) VALUES ('e1', 'v', 0, 'prompt_success_rate', 0.8, 0.5, '≥ 0.5', 1), ('e1', 'v', 1, 'duplicate_side_effects', 2, 0, '= 0', 0)",
    ).run();
    const { rows, build } = rebuildKnowledge(db);
    assert.equal(build.experiments, 1);
    const w = find(rows, 'weather', 'latency 250–1000 ms')!;
    assert.equal(w.hypothesisTolerance, 0.5);
    assert.equal(w.duplicateSideEffects, 2);
    const band = riskProfiles(rows).find((p) => p.target === 'weather')!.bands[0]!;
    assert.equal(band.tolerance, 0.5, "the experiment's bound, not the default");
    assert.match(
      band.reason,
      /^success 49%–94% straddles 50% \(experiment e1: ≥ 0\.5\)$/,
      'a low end of 0.490 does not reach 0.5; the tolerance says where it came from',
    );
    assert.equal(band.toleranceFrom, 'experiment e1: ≥ 0.5');
    assert.equal(
      riskProfiles(rows, { tolerance: 0.45 }).find((p) => p.target === 'weather')!.bands[0]!.verdict,
      'held',
      'the caller’s tolerance wins',
    );
  });

  it('is idempotent: a rebuild of the same record writes the same rows', () => {
    const first = rebuildKnowledge(db).rows;
    const second = rebuildKnowledge(db).rows;
    assert.deepEqual(second, first);
    assert.deepEqual(loadKnowledge(db).rows, first);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM knowledge').get() as { n: number }).n, first.length);
  });
});
