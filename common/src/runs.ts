/**
 * Shared reads of run state that both sides of the coordination must agree on.
 */
import { randomBytes } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';

/**
 * A fresh run id: the UTC start time to the second and 6 random hex digits, e.g.
 * `20261121T233745Z-f55d17`; ids sort by start time. The launcher names the run it starts with it, and
 * the agent does when run alone.
 * @param now ms since the epoch (default now)
 */
export function newRunId(now: number = Date.now()): string {
  const stamp = new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** A run's phase in the `control` table (docs/record.md). */
export type Phase = 'starting' | 'active' | 'idle' | 'done';

/** The run the lab is working on now, and its phase. */
export interface CurrentRun {
  readonly runId: string;
  readonly phase: Phase;
  readonly currentPrompt: number | null;
  /** Last heartbeat of the agent, ms since the epoch. */
  readonly heartbeatAt: number;
  /**
   * The run's seed as recorded by the agent (`runs.seed`). Every process that makes random choices for
   * this run seeds from it, so a run replays from the one seed it recorded even when its processes were
   * started without `CHAOS_SEED` (each would otherwise draw a seed of its own).
   */
  readonly seed: number;
}

/**
 * The current run's id as an SQL scalar subquery, for parts that filter their reads by it in one
 * statement (planned errors, planned LLM faults, steering): the same run {@link currentRun} returns.
 */
export const CURRENT_RUN_ID_SQL = `(SELECT c.run_id FROM control c JOIN runs r ON r.run_id = c.run_id
                                     ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1)`;

/**
 * The current run: the most recently started run that has a `control` row. Runs that are `done`
 * are still returned (the proxy-manager needs to see `done` to clear its toxics).
 * @returns the run, or undefined when no run has started yet
 */
export function currentRun(db: Database): CurrentRun | undefined {
  let statement = currentRunStatements.get(db);
  if (!statement) {
    statement = db.prepare(
      `SELECT c.run_id AS runId, c.phase AS phase, c.current_prompt AS currentPrompt, c.heartbeat_at AS heartbeatAt, r.seed AS seed
         FROM control c JOIN runs r ON r.run_id = c.run_id
        ORDER BY r.started_at DESC, r.rowid DESC LIMIT 1`,
    );
    currentRunStatements.set(db, statement);
  }
  return statement.get() as CurrentRun | undefined;
}

/** {@link currentRun}'s statement per database handle: the proxy-manager asks every chaos tick. */
const currentRunStatements = new WeakMap<Database, Statement>();
