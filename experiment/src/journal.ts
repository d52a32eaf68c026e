/**
 * The experiment's journal (Chaos Toolkit's journal, docs/experiments.md): the file as run, the seed,
 * each run's id and exit, every planned fault fired (when, where, attributes, trigger, what it
 * touched: its blast radius), every check's value, what was rolled back, the verdict. Kept in the
 * database (`experiments`, `experiment_variants`, `experiment_checks`, migration 4) and as JSON beside
 * the experiment's report.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeTransaction, type Database } from '@chaos-lab/common';
import type { CheckResult } from './checks.js';

/** How an experiment or one of its runs came out. */
export type Verdict = 'held' | 'deviated' | 'error' | 'interrupted';

/** A planned fault event of a run, with its blast radius (an `llm` fault's: model requests, not tool attempts). */
export interface FiredFault {
  readonly eventId: number;
  readonly fault: string;
  readonly kind: string;
  readonly service: string | null;
  readonly type: string;
  readonly stream: string | null;
  readonly attributes: unknown;
  readonly trigger: unknown;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly endedBy: string | null;
  readonly attemptsTouched: number;
  readonly attemptsFailed: number;
  readonly promptIndexes: readonly number[];
}

/** One run of the experiment. */
export interface JournalRun {
  readonly variant: string;
  readonly runId: string | null;
  readonly exitCode: number | null;
  readonly verdict: Verdict;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly settings: Readonly<Record<string, string>>;
  readonly faults: readonly FiredFault[];
  /** Planned fault events the runner found still open after the run and closed (`ended_by` rollback). */
  readonly rolledBack: readonly { eventId: number; fault: string; service: string | null }[];
  /** Prompts that did not end well, with their root cause (prompt_causes). */
  readonly promptsNotCorrect: readonly {
    promptIndex: number;
    promptId: string | null;
    status: string;
    rootCause: string | null;
    faultEventId: number | null;
  }[];
  readonly checks: readonly CheckResult[];
  /** The model's side of the run (model_calls), beside the baseline's in the report: requests, the client's retries, tokens reported (null: none). */
  readonly model?: { readonly requests: number; readonly retries: number; readonly tokens: number | null };
  readonly error?: string;
}

/** The whole journal. */
export interface Journal {
  readonly experimentId: string;
  readonly title: string;
  readonly file: string;
  readonly source: string;
  readonly seed: number;
  readonly startedAt: number;
  finishedAt: number | null;
  verdict: Verdict | null;
  readonly runs: JournalRun[];
}

/** Reads the planned faults a run fired, with their blast radius. */
export function firedFaults(db: Database, runId: string): FiredFault[] {
  const rows = db
    .prepare(
      `SELECT f.id AS eventId, f.fault, f.kind, f.service, f.type, f.stream, f.attributes, f.trigger, f.started_at AS startedAt,
              f.ended_at AS endedAt, f.ended_by AS endedBy, b.attempts_touched AS attemptsTouched, b.attempts_failed AS attemptsFailed,
              b.prompt_indexes AS promptIndexes
         FROM fault_events f JOIN fault_blast_radius b ON b.fault_event_id = f.id
        WHERE f.run_id = ? AND f.fault IS NOT NULL ORDER BY f.started_at, f.id`,
    )
    .all(runId) as (Omit<FiredFault, 'attributes' | 'trigger' | 'promptIndexes'> & {
    attributes: string;
    trigger: string | null;
    promptIndexes: string | null;
  })[];
  return rows.map((r) => ({
    ...r,
    attributes: JSON.parse(r.attributes),
    trigger: r.trigger === null ? null : JSON.parse(r.trigger),
    promptIndexes: (JSON.parse(r.promptIndexes ?? '[]') as (number | null)[]).filter((n): n is number => n !== null),
    ...(r.kind === 'llm' ? modelRadius(db, r.eventId) : {}),
  }));
}

/**
 * An `llm` fault's blast radius: the model requests (model_calls) it was applied to, those that did
 * not end `ok`, and their prompts. (The tool-call views count tool attempts, which a model fault never
 * touches.)
 */
function modelRadius(
  db: Database,
  eventId: number,
): Pick<FiredFault, 'attemptsTouched' | 'attemptsFailed' | 'promptIndexes'> {
  const rows = db
    .prepare('SELECT status, prompt_index AS promptIndex FROM model_calls WHERE fault_event_id = ?')
    .all(eventId) as { status: string; promptIndex: number | null }[];
  const prompts = [...new Set(rows.map((r) => r.promptIndex).filter((n): n is number => n !== null))].sort(
    (a, b) => a - b,
  );
  return {
    attemptsTouched: rows.length,
    attemptsFailed: rows.filter((r) => r.status !== 'ok').length,
    promptIndexes: prompts,
  };
}

/**
 * Rollback after a run: closes the run's planned fault events still open (a proxy-manager that died
 * before its own rollback), so no tool service keeps answering a planned error.
 * @returns the events closed
 */
export function rollBackLeftovers(db: Database, runId: string, now: number): JournalRun['rolledBack'] {
  return writeTransaction(db, () => {
    const open = db
      .prepare(
        'SELECT id AS eventId, fault, service FROM fault_events WHERE run_id = ? AND fault IS NOT NULL AND ended_at IS NULL',
      )
      .all(runId) as { eventId: number; fault: string; service: string | null }[];
    const close = db.prepare(
      "UPDATE fault_events SET ended_at = max(?, started_at), ended_by = 'rollback' WHERE id = ?",
    );
    for (const e of open) close.run(now, e.eventId);
    return open;
  });
}

/** The prompts of a run that did not end well, with their root cause. */
export function promptsNotCorrect(db: Database, runId: string): JournalRun['promptsNotCorrect'] {
  return db
    .prepare(
      `SELECT prompt_index AS promptIndex, prompt_id AS promptId, status, root_cause AS rootCause, root_fault_event_id AS faultEventId
         FROM prompt_causes WHERE run_id = ? ORDER BY prompt_index`,
    )
    .all(runId) as JournalRun['promptsNotCorrect'][number][];
}

/** Records the experiment's start. */
export function recordStart(db: Database, j: Journal): void {
  writeTransaction(db, () => {
    db.prepare(
      'INSERT INTO experiments (experiment_id, title, file, source, seed, started_at) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(j.experimentId, j.title, j.file, j.source, j.seed, j.startedAt);
  });
}

/** Records one run and its checks. */
export function recordRun(db: Database, experimentId: string, position: number, run: JournalRun): void {
  writeTransaction(db, () => {
    db.prepare(
      'INSERT OR REPLACE INTO experiment_variants (experiment_id, variant, position, run_id, exit_code, verdict, started_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(experimentId, run.variant, position, run.runId, run.exitCode, run.verdict, run.startedAt, run.finishedAt);
    const check = db.prepare(
      'INSERT OR REPLACE INTO experiment_checks (experiment_id, variant, check_index, metric, value, bound, tolerance, held) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const c of run.checks) {
      if (c.outcome !== 'skipped')
        check.run(
          experimentId,
          run.variant,
          c.index,
          c.metric,
          c.value,
          c.bound,
          c.tolerance,
          c.outcome === 'held' ? 1 : 0,
        );
    }
  });
}

/** Records the verdict and the whole journal in the database, and writes `journal.json` in `dir`. */
export function recordEnd(db: Database, j: Journal, dir: string): string {
  writeTransaction(db, () => {
    db.prepare('UPDATE experiments SET finished_at = ?, verdict = ?, journal = ? WHERE experiment_id = ?').run(
      j.finishedAt,
      j.verdict,
      JSON.stringify(j),
      j.experimentId,
    );
  });
  const path = join(dir, 'journal.json');
  writeFileSync(path, `${JSON.stringify(j, null, 2)}\n`);
  return path;
}
