/**
 * `service_down` fault events (schema v2 `fault_events`, kind `service_down`): a tool service that died
 * during a run, from the moment its process exited (`started_at`) to the moment it answered its health
 * check again (`ended_at`, `ended_by` `restarted`), or to the lab's stop when it stayed down
 * (`ended_by` `lab_stopped`). Attribution reads them beside the toxics: a tool call that failed while
 * its service was down failed because of that, not because of a toxic.
 */
import { proxyNameOf, writeTransaction, type Database } from '@chaos-lab/common';

/** `fault_events.ended_by` values written here. */
export type ServiceDownEnd = 'restarted' | 'lab_stopped';

/**
 * Opens a `service_down` event for `service` in `runId`.
 * @param startedAt when the process exited, ms since the epoch
 * @param why how it died, e.g. `killed by SIGKILL` (kept in `attributes.exit`)
 * @returns the event's id
 */
export function openServiceDown(db: Database, runId: string, service: string, startedAt: number, why: string): number {
  const proxy = proxyNameOf(service);
  return writeTransaction(db, () =>
    Number(
      db
        .prepare(
          `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at)
           VALUES (?, 'service_down', ?, ?, ?, 'service_down', NULL, NULL, ?, ?)`,
        )
        .run(runId, proxy, service, `${service}_down`, JSON.stringify({ exit: why }), startedAt).lastInsertRowid,
    ),
  );
}

/**
 * Closes a `service_down` event (a no-op when it is closed already).
 * @param outageMs the measured outage (`outage_ms`): from its exit to its first healthy answer, ms; undefined when it stayed down
 */
export function closeServiceDown(
  db: Database,
  id: number,
  endedAt: number,
  endedBy: ServiceDownEnd,
  outageMs?: number,
): void {
  writeTransaction(db, () => {
    db.prepare(
      'UPDATE fault_events SET ended_at = max(?, started_at), ended_by = ?, outage_ms = ? WHERE id = ? AND ended_at IS NULL',
    ).run(endedAt, endedBy, outageMs ?? null, id);
  });
}

/** An open planned kill or stop of a service (proxy-manager/src/schedule/faults/service.ts). */
export interface PlannedDowntime {
  readonly id: number;
  /** When the fault is due to end, ms since the epoch (null until the manager has it in place). */
  readonly dueAt: number | null;
}

/** The open planned `kill` or `stop` event of `service` in `runId`, or undefined when none is open. */
export function openPlannedDowntime(db: Database, runId: string, service: string): PlannedDowntime | undefined {
  return db
    .prepare(
      `SELECT id, due_at AS dueAt FROM fault_events
        WHERE kind = 'service' AND type IN ('kill', 'stop') AND service = ? AND run_id = ? AND ended_at IS NULL
        ORDER BY id DESC LIMIT 1`,
    )
    .get(service, runId) as PlannedDowntime | undefined;
}

/**
 * Ends a planned kill or stop whose service answers again: records the measured outage
 * (`fault_events.outage_ms`) and closes the event at `backAt` (`ended_by` `duration`) unless the
 * manager closed it already (its trigger or a rollback ended it).
 * @param backAt when the service answered again, ms since the epoch
 * @param outageMs from its exit to that answer, ms
 */
export function endPlannedDowntime(db: Database, id: number, backAt: number, outageMs: number): void {
  writeTransaction(db, () => {
    db.prepare(
      `UPDATE fault_events SET outage_ms = ?,
              ended_by = CASE WHEN ended_at IS NULL THEN 'duration' ELSE ended_by END,
              ended_at = coalesce(ended_at, max(?, started_at))
        WHERE id = ?`,
    ).run(outageMs, backAt, id);
  });
}
