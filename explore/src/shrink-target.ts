/**
 * What `chaos-lab shrink` keeps failing: a prompt's status, or the deviated checks of an experiment
 * variant. Read from the record of the run being shrunk; the predicate then judges each replay the same way.
 *
 * - `--prompt ID` (an id, or a 1-based position): the replay fails when that prompt ends with the same
 *   status as in the run being shrunk (`failed`, `wrong` or `unhandled`);
 * - a run that is an experiment variant whose verdict was `deviated`: the replay fails when one of the
 *   checks that deviated deviates again (relative checks against the experiment's own baseline run;
 *   `faults_fired` checks, and relative checks whose baseline has no value, are left out);
 * - otherwise the run's first prompt that did not end well, as with `--prompt`.
 */
import { LabError, type Database } from '@chaos-lab/common';
import { evaluateCheck, measure, parseExperiment, type Check, type ServiceWrite } from '@chaos-lab/experiment';
import { statusCheck } from './shrink-file.js';

/** What a replay must still do. */
export interface ShrinkTarget {
  /** In words, e.g. `prompt weather-question ends failed`. */
  readonly description: string;
  /** The checks the written experiment asserts (the failure breaks them). */
  readonly hypothesis: readonly Check[];
  /** True when a replay run still fails this way. */
  readonly fails: (db: Database, runId: string, writes: readonly ServiceWrite[]) => boolean;
}

const BAD = ['failed', 'wrong', 'unhandled'];

function promptTarget(db: Database, runId: string, prompt: string | undefined): ShrinkTarget {
  const rows = db
    .prepare(
      'SELECT prompt_index AS i, prompt_id AS id, status FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
    )
    .all(runId) as { i: number; id: string | null; status: string }[];
  const row =
    prompt === undefined
      ? rows.find((r) => BAD.includes(r.status))
      : (rows.find((r) => r.id === prompt) ?? (/^\d+$/.test(prompt) ? rows[Number(prompt) - 1] : undefined));
  if (prompt !== undefined && row === undefined)
    throw new LabError('VALIDATION', `--prompt ${prompt}: run ${runId} has no prompt with that id or 1-based position`);
  if (row === undefined)
    throw new LabError(
      'VALIDATION',
      `run ${runId}: every prompt ended well and it is not a deviated experiment variant: nothing to shrink`,
    );
  const label = row.id ?? `#${row.i + 1}`;
  if (!BAD.includes(row.status))
    throw new LabError(
      'VALIDATION',
      `--prompt ${prompt}: prompt ${label} ended ${row.status} in run ${runId}: nothing to shrink (failed, wrong or unhandled only)`,
    );
  return {
    description: `prompt ${label} ends ${row.status}`,
    hypothesis: [statusCheck(row.status)],
    fails: (d, id) =>
      (
        d.prepare('SELECT status FROM prompt_results WHERE run_id = ? AND prompt_index = ?').get(id, row.i) as
          | { status: string }
          | undefined
      )?.status === row.status,
  };
}

function variantTarget(db: Database, v: { experiment_id: string; variant: string }): ShrinkTarget {
  const exp = db.prepare('SELECT source, file FROM experiments WHERE experiment_id = ?').get(v.experiment_id) as {
    source: string;
    file: string;
  };
  const experiment = parseExperiment(exp.source, exp.file);
  const deviated = (
    db
      .prepare('SELECT check_index AS i FROM experiment_checks WHERE experiment_id = ? AND variant = ? AND held = 0')
      .all(v.experiment_id, v.variant) as { i: number }[]
  ).map((r) => r.i);
  const baselineRun =
    (
      db
        .prepare("SELECT run_id AS r FROM experiment_variants WHERE experiment_id = ? AND variant = 'baseline'")
        .get(v.experiment_id) as { r: string | null } | undefined
    )?.r ?? null;
  const all = deviated.map((i) => ({ index: i, check: experiment.hypothesis[i]! }));
  const baselineValue = (index: number, check: Check): number | null => {
    const recorded = db
      .prepare(
        "SELECT value FROM experiment_checks WHERE experiment_id = ? AND variant = 'baseline' AND check_index = ?",
      )
      .get(v.experiment_id, index) as { value: number | null } | undefined;
    if (recorded) return recorded.value;
    return baselineRun === null ? null : measure(db, baselineRun, check, []);
  };
  const baselines = new Map(all.map(({ index, check }) => [index, baselineValue(index, check)]));
  // Left out: a relative check without a baseline value (it deviates whatever a replay does), and
  // faults_fired (it names a fault of the run's own plan, which a subset may not have).
  const relative = (c: Check) => [c.atLeast, c.atMost, c.equals].some((b) => typeof b === 'object');
  const checks = all.filter(
    ({ index, check }) => check.metric !== 'faults_fired' && (!relative(check) || baselines.get(index) !== null),
  );
  return {
    description: `the check(s) ${checks.map(({ check }) => check.name ?? check.metric).join(', ')} of ${v.experiment_id} variant ${v.variant} deviate`,
    hypothesis: checks.map((c) => c.check),
    fails: (d, id, writes) =>
      checks.some(
        ({ index, check }) =>
          evaluateCheck(check, index, measure(d, id, check, writes), baselines.get(index) ?? null).outcome ===
          'deviated',
      ),
  };
}

/**
 * What to keep failing (see the file comment).
 * @throws {LabError} `VALIDATION` when the run has nothing to shrink or `--prompt` names no prompt of it
 */
export function shrinkTarget(db: Database, runId: string, prompt: string | undefined): ShrinkTarget {
  if (prompt === undefined) {
    const v = db
      .prepare("SELECT experiment_id, variant FROM experiment_variants WHERE run_id = ? AND verdict = 'deviated'")
      .get(runId) as { experiment_id: string; variant: string } | undefined;
    if (v) {
      const target = variantTarget(db, v);
      if (target.hypothesis.length > 0) return target;
    }
  }
  return promptTarget(db, runId, prompt);
}
