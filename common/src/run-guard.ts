/**
 * One run at a time per database. The proxy-manager follows the newest run only (`currentRun`), so a
 * second agent writing to the same database would have the first run's toxics filed under its own.
 * Rather than guess which run a toxic hit, a second run is refused while another one is live.
 */
import type { Database } from 'better-sqlite3';

/** A run that is live on the database: `running`, not `done`, and its agent's heartbeat fresh. */
export interface LiveRun {
  readonly runId: string;
  /** How long ago its agent last beat, ms. */
  readonly heartbeatAgeMs: number;
}

/** Staleness used when `HEARTBEAT_STALE_MS` is 0 ("never stale" for the chaos loop), ms. */
export const LIVE_RUN_DEFAULT_STALE_MS = 30_000;

/**
 * The newest live run other than `exceptRunId`, if any. A run whose agent has not beaten for `staleMs`
 * is dead (killed without a word) and does not count.
 * @param now ms since the epoch
 * @param staleMs `HEARTBEAT_STALE_MS`; 0 means {@link LIVE_RUN_DEFAULT_STALE_MS}
 */
export function liveRun(db: Database, now: number, staleMs: number, exceptRunId?: string): LiveRun | undefined {
  const limitMs = staleMs > 0 ? staleMs : LIVE_RUN_DEFAULT_STALE_MS;
  const row = db
    .prepare(
      `SELECT r.run_id AS runId, c.heartbeat_at AS heartbeatAt
         FROM runs r JOIN control c ON c.run_id = r.run_id
        WHERE r.status = 'running' AND c.phase != 'done' AND c.heartbeat_at >= ? AND r.run_id != ?
        ORDER BY r.started_at DESC LIMIT 1`,
    )
    .get(now - limitMs, exceptRunId ?? '') as { runId: string; heartbeatAt: number } | undefined;
  return row && { runId: row.runId, heartbeatAgeMs: Math.max(0, now - row.heartbeatAt) };
}

/**
 * The one-line refusal for a second run: names the live run, the database and what to do.
 * @param dbPath the database file, as the user set it (`LAB_DB_PATH`)
 */
export function liveRunMessage(run: LiveRun, dbPath: string): string {
  return (
    `run ${run.runId} is still active in ${dbPath} (its agent beat ${run.heartbeatAgeMs} ms ago): one run at a time per database, ` +
    'so toxics are filed under the right run; wait for it to end, stop it, or set LAB_DB_PATH to another file'
  );
}
