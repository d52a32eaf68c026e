// A relative bound is judged: `atLeast: { baseline: 1 }` on prompt_success_rate, checked by the
// experiment's own evaluateCheck against a baseline with 5 of 5 correct, becomes the tolerance
// 1 × the baseline's Wilson low end (57 %), not 100 % (which no evidence can show held): a band with 10
// of 10 correct under the fault held, one with 0 of 10 broke, and each says where its tolerance came from.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { evaluateCheck, type Check } from '@chaos-lab/experiment';
import { rebuildKnowledge, resolveTolerance, riskProfiles, wilsonInterval } from '@chaos-lab/knowledge';
import { recordRun, type PromptSpec } from './support/recorded-runs.js';

const T0 = Date.UTC(2026, 0, 14, 9, 0, 0);
const tmp = makeTempDir('knowledge-relative-');
let db: Database;

const prompts = (service: string, status: 'correct' | 'failed', n: number): PromptSpec[] =>
  Array.from({ length: n }, () => ({
    service,
    status,
    attempts: [{ outcome: status === 'correct' ? 'ok' : 'timeout', durationMs: 700 }],
  }));
const RELATIVE: Check = { metric: 'prompt_success_rate', atLeast: { baseline: 1 }, on: 'all' };

/** Journals one experiment's check rows as the runner does: the baseline's, then each variant's against it. */
function journal(experimentId: string, baselineRun: string, variants: readonly [string, string, number][]): void {
  db.prepare(
    "INSERT INTO experiments (experiment_id, title, file, source, seed, started_at, finished_at, verdict) VALUES (?, 't', 'f', 's', 1, ?, ?, 'deviated')",
  ).run(experimentId, T0, T0 + 1);
  const variant = db.prepare(
    'INSERT INTO experiment_variants (experiment_id, variant, position, run_id, started_at) VALUES (?, ?, ?, ?, ?)',
  );
  const check = db.prepare(
    'INSERT INTO experiment_checks (experiment_id, variant, check_index, metric, value, bound, tolerance, held) VALUES (?, ?, 0, ?, ?, ?, ?, ?)',
  );
  const write = (name: string, runId: string, position: number, value: number, baseline: number | undefined) => {
    variant.run(experimentId, name, position, runId, T0);
    const r = evaluateCheck(RELATIVE, 0, value, baseline);
    check.run(experimentId, name, r.metric, r.value, r.bound, r.tolerance, r.outcome === 'held' ? 1 : 0);
  };
  write('baseline', baselineRun, 0, 1, undefined);
  variants.forEach(([name, runId, value], i) => {
    write(name, runId, i + 1, value, 1);
  });
}

before(() => {
  db = openDatabase(join(tmp.path, 'lab.db'));
  recordRun(db, 'baseline', T0, prompts('weather', 'correct', 5), [], 'completed', { seed: 1 });
  recordRun(
    db,
    'slow',
    T0 + 60_000,
    prompts('weather', 'correct', 10),
    [{ service: 'weather', type: 'latency', attributes: { latency: 500 }, fromMs: 0, toMs: 10_000 }],
    'completed',
    { seed: 2 },
  );
  recordRun(
    db,
    'down',
    T0 + 120_000,
    prompts('weather', 'failed', 10),
    [{ service: 'weather', type: 'timeout', attributes: { timeout: 0 }, fromMs: 0, toMs: 10_000 }],
    'completed',
    { seed: 3 },
  );
  journal('e1', 'baseline', [
    ['slow', 'slow', 1],
    ['down', 'down', 0],
  ]);
});

after(() => {
  db.close();
  tmp.cleanup();
});

describe('relative tolerances', () => {
  it("resolves { baseline: 1 } against the baseline's measurement and judges the bands by it", () => {
    const { rows } = rebuildKnowledge(db);
    const low = wilsonInterval(5, 5)!.low;
    for (const r of rows) {
      assert.ok(Math.abs(r.hypothesisTolerance! - low) < 1e-9, `${r.faultKind}: ${r.hypothesisTolerance} ≠ ${low}`);
      assert.equal(r.toleranceSource, 'experiment e1: ≥ 1 × baseline; baseline 5/5 correct, Wilson low end 57%');
    }
    const bands = riskProfiles(rows).flatMap((p) => p.bands);
    const verdict = (kind: string) => bands.find((b) => b.row.faultKind === kind)!;
    assert.equal(verdict('toxic:latency').verdict, 'held', '10/10 (72%–100%) clears 57%; against 100% it never could');
    assert.match(verdict('toxic:latency').reason, /^success 72%–100% ≥ 57% \(experiment e1: ≥ 1 × baseline; /);
    assert.equal(verdict('toxic:timeout').verdict, 'broken');
  });

  it('resolves absolute bounds as they are and gives nothing it cannot resolve', () => {
    const check = { experimentId: 'e', baseline: { correct: 4, checked: 5 } };
    assert.deepEqual(resolveTolerance({ ...check, bound: 0.8, tolerance: '≥ 0.8' }), {
      value: 0.8,
      source: 'experiment e: ≥ 0.8',
    });
    const half = resolveTolerance({ ...check, bound: 0.4, tolerance: '≥ 0.5 × baseline (0.4)' })!;
    assert.ok(Math.abs(half.value - 0.5 * wilsonInterval(4, 5)!.low) < 1e-12);
    assert.equal(
      resolveTolerance({ ...check, bound: null, tolerance: '≥ 1 × baseline' }),
      null,
      'skipped on the baseline run itself',
    );
    assert.equal(
      resolveTolerance({ ...check, baseline: { correct: 0, checked: 0 }, bound: 0, tolerance: '≥ 1 × baseline (0)' }),
      null,
      'a baseline without a checked prompt resolves nothing',
    );
  });
});
