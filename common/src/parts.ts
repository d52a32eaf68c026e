/**
 * The `parts` table (schema v2): each long-lived part of the lab (today the proxy-manager) stamps a
 * heartbeat there, so a part that died without a word (kill -9, a crash, a killed container) is known
 * from the record, and what it left open is closed at its last heartbeat, never at the time someone
 * happened to notice (the next start, the launcher). Times are ms since the epoch (UTC).
 */
import type { Database } from 'better-sqlite3';
import { writeTransaction } from './database.js';

/** One `parts` row. */
export interface PartRow {
  readonly part: string;
  readonly pid: number | null;
  /** The run the part was working for at its last heartbeat. */
  readonly runId: string | null;
  readonly startedAt: number;
  readonly heartbeatAt: number;
  /** Set when the part stopped cleanly; null while it runs, or when it died. */
  readonly stoppedAt: number | null;
}

/** The proxy-manager's name in `parts`. */
export const PROXY_MANAGER_PART = 'proxy-manager';

/**
 * The agent under test's command (`AGENT_COMMAND`) in `parts`: started by the agent part in a process
 * group of its own (its pid is the group's id), so the launcher can stop it when that part dies first.
 */
export const AGENT_COMMAND_PART = 'agent-command';

/** `fault_events.ended_by` of a toxic whose proxy-manager died: closed at the manager's last heartbeat. */
export const ENDED_BY_MANAGER_LOST = 'manager_lost';

/**
 * `fault_events.ended_by` of a toxic whose Toxiproxy died (its process gone, its API refusing
 * connections): toxics live in Toxiproxy's memory, so they ended with it.
 */
export const ENDED_BY_TOXIPROXY_LOST = 'toxiproxy_lost';

/** Reads a part's row, or undefined when it never ran against this database. */
export function readPart(db: Database, part: string): PartRow | undefined {
  return db
    .prepare(
      'SELECT part, pid, run_id AS runId, started_at AS startedAt, heartbeat_at AS heartbeatAt, stopped_at AS stoppedAt FROM parts WHERE part = ?',
    )
    .get(part) as PartRow | undefined;
}

/** Records that a part started now (replacing the row of its previous life: read that first). */
export function partStarted(db: Database, part: string, pid: number, at: number): void {
  writeTransaction(db, () =>
    db
      .prepare(
        'INSERT OR REPLACE INTO parts (part, pid, run_id, started_at, heartbeat_at, stopped_at) VALUES (?, ?, NULL, ?, ?, NULL)',
      )
      .run(part, pid, at, at),
  );
}

/** Stamps a part's heartbeat and the run it works for (null when none). */
export function partHeartbeat(db: Database, part: string, at: number, runId: string | null): void {
  writeTransaction(db, () =>
    db.prepare('UPDATE parts SET heartbeat_at = ?, run_id = ? WHERE part = ?').run(at, runId, part),
  );
}

/** Records that a part stopped cleanly (its heartbeat too). */
export function partStopped(db: Database, part: string, at: number): void {
  writeTransaction(db, () =>
    db.prepare('UPDATE parts SET heartbeat_at = ?, stopped_at = ? WHERE part = ?').run(at, at, part),
  );
}

/**
 * Closes the toxic events a dead proxy-manager left open, at its last heartbeat (never before an
 * event's own start), with `ended_by` {@link ENDED_BY_MANAGER_LOST}, and marks the part stopped at that
 * heartbeat, so the next caller does not close anything twice. A no-op when the manager's row says it
 * stopped cleanly or it never ran.
 * @returns how many events were closed
 */
export function closeEventsOfLostManager(db: Database): number {
  return writeTransaction(db, () => {
    const part = readPart(db, PROXY_MANAGER_PART);
    if (!part || part.stoppedAt !== null) return 0;
    const info = db
      .prepare(
        "UPDATE fault_events SET ended_at = max(?, started_at), ended_by = ? WHERE kind = 'toxic' AND ended_at IS NULL",
      )
      .run(part.heartbeatAt, ENDED_BY_MANAGER_LOST);
    db.prepare('UPDATE parts SET stopped_at = heartbeat_at WHERE part = ?').run(PROXY_MANAGER_PART);
    return info.changes;
  });
}
