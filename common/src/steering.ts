/**
 * Steering: settings changed while a run goes, recorded in
 * `steering_changes` (one row per change, with its time) so a replay knows what was in force when.
 *
 *   dashboard ──POST──► proxy-manager /steering ──► steering_changes row
 *                                                      │ read every chaos tick (TOXIC_PROB, TOXICS, CHAOS)
 *                                                      │ read per request by the tool services (ERROR_PROB)
 *                                                      └ read every heartbeat by the agent (ABORT)
 *
 * The database is the one channel, as for planned faults: each part reads the latest row of the
 * setting it acts on for the current run, so a change reaches every process (and every container
 * under compose) without a new API on each. A change belongs to the run current when it was made;
 * the next run starts from its settings again.
 */
import type { Database } from './database.js';
import { CURRENT_RUN_ID_SQL } from './runs.js';
import type { ToxicType } from './settings/index.js';

/** The settings steering can change; `CHAOS` pauses or resumes chaos, `ABORT` asks the run to stop. */
export const STEERED_SETTINGS = ['CHAOS', 'TOXIC_PROB', 'ERROR_PROB', 'TOXICS', 'ABORT'] as const;

/** One of {@link STEERED_SETTINGS}. */
export type SteeredSetting = (typeof STEERED_SETTINGS)[number];

/** What steering has set for a run (a field is absent while its setting was never steered). */
export interface SteeringState {
  /** True while chaos is paused: no toxic is drawn or kept, and planned tick triggers wait. */
  readonly paused: boolean;
  readonly TOXIC_PROB?: number;
  readonly ERROR_PROB?: number;
  readonly TOXICS?: ToxicType[];
  /** When an abort was asked, ms since the epoch. */
  readonly abortRequestedAt?: number;
}

/** One recorded change. */
export interface SteeringChange {
  readonly id: number;
  readonly runId: string;
  /** ms since the epoch. */
  readonly at: number;
  readonly setting: SteeredSetting;
  /** The value set (parsed JSON): `"paused"`/`"running"`, a probability, a list of toxic types, `"requested"`. */
  readonly value: unknown;
  /** What was in force before (parsed JSON), null for ABORT. */
  readonly previous: unknown;
  /** Who asked, e.g. `dashboard` or `api`. */
  readonly source: string;
}

/**
 * Records one change.
 * @param change the run, the time (ms since the epoch), the setting, its new and previous values (any JSON) and the source
 * @returns the row's id
 */
export function recordSteeringChange(db: Database, change: Omit<SteeringChange, 'id'>): number {
  const result = db
    .prepare('INSERT INTO steering_changes (run_id, at, setting, value, previous, source) VALUES (?, ?, ?, ?, ?, ?)')
    .run(
      change.runId,
      change.at,
      change.setting,
      JSON.stringify(change.value),
      change.previous === null ? null : JSON.stringify(change.previous),
      change.source,
    );
  return Number(result.lastInsertRowid);
}

/** Every change of a run, oldest first. */
export function steeringChanges(db: Database, runId: string): SteeringChange[] {
  const rows = db
    .prepare(
      'SELECT id, run_id AS runId, at, setting, value, previous, source FROM steering_changes WHERE run_id = ? ORDER BY id',
    )
    .all(runId) as (Omit<SteeringChange, 'value' | 'previous'> & { value: string; previous: string | null })[];
  return rows.map((r) => ({
    ...r,
    value: JSON.parse(r.value) as unknown,
    previous: r.previous === null ? null : (JSON.parse(r.previous) as unknown),
  }));
}

/** The latest value of each steered setting of a run (see {@link SteeringState}). */
export function steeringState(db: Database, runId: string): SteeringState {
  const rows = db
    .prepare(
      `SELECT s.setting AS setting, s.value AS value, s.at AS at FROM steering_changes s
        WHERE s.run_id = ? AND s.id = (SELECT max(id) FROM steering_changes WHERE run_id = s.run_id AND setting = s.setting)`,
    )
    .all(runId) as { setting: SteeredSetting; value: string; at: number }[];
  const state: { -readonly [K in keyof SteeringState]: SteeringState[K] } = { paused: false };
  for (const row of rows) {
    const value = JSON.parse(row.value) as unknown;
    if (row.setting === 'CHAOS') state.paused = value === 'paused';
    else if (row.setting === 'TOXIC_PROB') state.TOXIC_PROB = value as number;
    else if (row.setting === 'ERROR_PROB') state.ERROR_PROB = value as number;
    else if (row.setting === 'TOXICS') state.TOXICS = value as ToxicType[];
    else state.abortRequestedAt = row.at;
  }
  return state;
}

/**
 * The `ERROR_PROB` in force for the current run (the latest run with a `control` row): its steered
 * value, or undefined when it was never steered (the part's own setting holds).
 */
export function steeredErrorProb(db: Database): number | undefined {
  const row = db
    .prepare(
      `SELECT value FROM steering_changes
        WHERE setting = 'ERROR_PROB' AND run_id = ${CURRENT_RUN_ID_SQL}
        ORDER BY id DESC LIMIT 1`,
    )
    .get() as { value: string } | undefined;
  return row ? (JSON.parse(row.value) as number) : undefined;
}
