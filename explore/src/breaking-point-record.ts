/**
 * The `breaking_points` table (created by a schema migration in common/src/schema/, which documents its columns): one row per search,
 * so the planner (`chaos-lab plan`) and the knowledge base can read where a target broke.
 */
import { writeTransaction, type Database } from '@chaos-lab/common';

/** One run of a step. */
export interface StepRunRecord {
  readonly runId: string;
  readonly seed: number;
  /** The check's metric on that run; null when it could not be measured. */
  readonly value: number | null;
  readonly outcome: 'held' | 'deviated' | 'error';
}

/** One tested value. */
export interface StepRecord {
  readonly value: number;
  /** The check failed there (a step too close to call did not fail: see verdict). */
  readonly failed: boolean;
  /** held (by the guard band's margin), failed, too_close (held, but the attempts' p95 came within the guard band of PROXY_TIMEOUT_MS), error (a run failed). */
  readonly verdict: 'held' | 'failed' | 'too_close' | 'error';
  /** Nearest-rank p95 of the step's attempt durations on the target through its proxy, ms; null without one. */
  readonly attemptP95Ms: number | null;
  /** The rule's reason, e.g. `1 of 1 run(s) deviated`. */
  readonly why: string;
  readonly runs: readonly StepRunRecord[];
}

/** A search as recorded. */
export interface BreakingPointRecord {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly target: string;
  readonly toxicType: string;
  readonly stream: 'upstream' | 'downstream';
  readonly attribute: string;
  readonly unit: string;
  readonly from: number;
  readonly to: number;
  readonly checkText: string;
  readonly metric: string;
  readonly op: 'atLeast' | 'atMost' | 'equals';
  readonly bound: number;
  readonly rule: 'majority' | 'wilson';
  readonly repeats: number;
  readonly seed: number;
  readonly promptIds: readonly string[];
  readonly settings: Readonly<Record<string, string>>;
  /** The settings profile of the step runs (knowledge/src/settings-profile.ts). */
  readonly settingsProfile: string;
  /** The tested value nearest `to` that held (by the guard band's margin); null when none did. */
  readonly lastPass: number | null;
  /** The tested value nearest `from` that did not hold: failed, or too close to call (its step says which); null when none. */
  readonly firstFail: number | null;
  readonly status: 'found' | 'holds' | 'fails' | 'error';
  readonly steps: readonly StepRecord[];
}

/**
 * Inserts a search's row.
 * @returns the row's id
 */
export function recordBreakingPoint(db: Database, r: BreakingPointRecord): number {
  return writeTransaction(db, () =>
    Number(
      db
        .prepare(
          `INSERT INTO breaking_points (started_at, finished_at, target, fault_kind, toxic_type, stream, attribute, unit, range_from, range_to,
             check_text, metric, op, bound, rule, repeats, seed, prompt_ids, settings, settings_profile, last_pass, first_fail, status, steps)
           VALUES (?, ?, ?, 'toxic', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          r.startedAt,
          r.finishedAt,
          r.target,
          r.toxicType,
          r.stream,
          r.attribute,
          r.unit,
          r.from,
          r.to,
          r.checkText,
          r.metric,
          r.op,
          r.bound,
          r.rule,
          r.repeats,
          r.seed,
          JSON.stringify(r.promptIds),
          JSON.stringify(r.settings),
          r.settingsProfile,
          r.lastPass,
          r.firstFail,
          r.status,
          JSON.stringify(r.steps),
        ).lastInsertRowid,
    ),
  );
}
