/**
 * The history: every run and experiment in the lab database, newest first. Plain reads of `runs`,
 * `experiments` and `experiment_variants`; the runs' own pages come from the report's builders
 * (`runView` of @chaos-lab/report).
 */
import { sqlCountSucceeded, type Database } from '@chaos-lab/common';

/** One run in the list. */
export interface RunListItem {
  readonly runId: string;
  readonly status: string;
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly promptsTotal: number;
  /** Prompts with a result row. */
  readonly promptsDone: number;
  /** Prompts that succeeded: `correct` only, by the record's rule (common/src/record/prompt-status.ts; `unchecked` is not a success). */
  readonly promptsSucceeded: number;
  readonly seed: number;
  readonly model: string | null;
}

/** One experiment with its variants' runs (baseline first). */
export interface ExperimentListItem {
  readonly experimentId: string;
  readonly title: string;
  readonly file: string;
  readonly startedAt: number;
  readonly finishedAt: number | null;
  readonly verdict: string | null;
  readonly variants: readonly {
    readonly variant: string;
    readonly runId: string | null;
    readonly verdict: string | null;
  }[];
}

/** Every run, newest first. */
export function listRuns(db: Database): RunListItem[] {
  return db
    .prepare(
      `SELECT r.run_id AS runId, r.status, r.started_at AS startedAt, r.finished_at AS finishedAt, r.prompts_total AS promptsTotal,
              r.seed, r.model,
              (SELECT COUNT(*) FROM prompt_results p WHERE p.run_id = r.run_id) AS promptsDone,
              (SELECT ${sqlCountSucceeded('p.status')} FROM prompt_results p WHERE p.run_id = r.run_id) AS promptsSucceeded
         FROM runs r ORDER BY r.started_at DESC, r.rowid DESC`,
    )
    .all() as RunListItem[];
}

/** Every experiment, newest first, with its variants in their file order. */
export function listExperiments(db: Database): ExperimentListItem[] {
  const experiments = db
    .prepare(
      'SELECT experiment_id AS experimentId, title, file, started_at AS startedAt, finished_at AS finishedAt, verdict FROM experiments ORDER BY started_at DESC',
    )
    .all() as Omit<ExperimentListItem, 'variants'>[];
  const variants = db.prepare(
    'SELECT variant, run_id AS runId, verdict FROM experiment_variants WHERE experiment_id = ? ORDER BY position',
  );
  return experiments.map((e) => ({ ...e, variants: variants.all(e.experimentId) as ExperimentListItem['variants'] }));
}
