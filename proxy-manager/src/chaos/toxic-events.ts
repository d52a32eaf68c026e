/**
 * The `toxic_events` view of `fault_events` (see docs/record.md): one row per toxic, opened when it is added to
 * Toxiproxy (or, for a hand-made toxic, when the manager first sees it: `trigger` {@link MANUAL_TRIGGER})
 * and closed with `ended_at` when it is gone. Writes go through `writeTransaction`, so they
 * wait for the agent's writes instead of failing. Times are ms since the epoch (UTC).
 */
import { writeTransaction, type Database } from '@chaos-lab/common';

/**
 * `fault_events.trigger` of a hand-made toxic (made with a Toxiproxy client, not by the lab): a toxic
 * the manager found on one of its proxies, kept, and recorded while it sees it.
 */
export const MANUAL_TRIGGER: Readonly<{ kind: 'manual' }> = Object.freeze({ kind: 'manual' });

/** A toxic to record. */
export interface ToxicEventInput {
  /** The run it belongs to; null for a hand-made toxic seen while no run is current. */
  readonly runId: string | null;
  /** Proxy name, e.g. `weather_proxy`. */
  readonly proxy: string;
  /** Toxic name. */
  readonly name: string;
  readonly type: string;
  readonly stream: 'upstream' | 'downstream';
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  /** When the toxic was added (a hand-made one: first seen), ms since the epoch. */
  readonly startedAt: number;
  /** What put it there, as JSON (`fault_events.trigger`): {@link MANUAL_TRIGGER}; absent for the loop's injections. */
  readonly trigger?: Readonly<Record<string, unknown>>;
}

/** An event left open, as closed by {@link closeOpenToxicEvents}. */
export interface ClosedEvent {
  readonly id: number;
  readonly runId: string | null;
  readonly proxy: string;
  readonly name: string;
}

/** Injections of one run, counted from the table. */
export interface InjectionCounts {
  readonly total: number;
  /** Events not closed yet. */
  readonly open: number;
  readonly byProxy: Record<string, number>;
  readonly byType: Record<string, number>;
}

/**
 * Opens an event.
 * @returns the new row's id
 */
export function openToxicEvent(db: Database, event: ToxicEventInput): number {
  return writeTransaction(db, () => {
    const info = db
      .prepare(
        `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at, trigger)
         VALUES (?, 'toxic', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        event.runId,
        event.proxy,
        event.proxy.replace(/_proxy$/, ''),
        event.name,
        event.type,
        event.stream,
        event.toxicity,
        JSON.stringify(event.attributes),
        event.startedAt,
        event.trigger === undefined ? null : JSON.stringify(event.trigger),
      );
    return Number(info.lastInsertRowid);
  });
}

/**
 * Closes an event (a no-op when it is closed already).
 * @param endedBy why it ended: `removed` (the manager removed the toxic, or saw it gone),
 *   `toxiproxy_lost` (Toxiproxy refused connections at shutdown: the toxic died with it), or for a
 *   hand-made toxic `changed`, `run_changed`, `manager_stopped` (see `manual-toxics.ts`)
 */
export function closeToxicEvent(db: Database, id: number, endedAt: number, endedBy = 'removed'): void {
  writeTransaction(db, () => {
    db.prepare('UPDATE fault_events SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL').run(
      endedAt,
      endedBy,
      id,
    );
  });
}

/**
 * Closes every open event but `keep`'s, whatever its run: at start, an open event belongs to a
 * proxy-manager that died without closing it (SIGKILL, crash), and its toxic is removed by
 * reconciliation.
 * @param keep ids of events the caller is still tracking (its own injections)
 * @returns the events closed
 */
export function closeOpenToxicEvents(
  db: Database,
  endedAt: number,
  keep: ReadonlySet<number> = new Set(),
): ClosedEvent[] {
  return writeTransaction(db, () => {
    const open = (
      db
        .prepare(
          "SELECT id, run_id AS runId, proxy, name FROM fault_events WHERE kind = 'toxic' AND ended_at IS NULL ORDER BY id",
        )
        .all() as ClosedEvent[]
    ).filter((e) => !keep.has(e.id));
    // ended_at never precedes started_at, even when two machines' clocks disagree.
    const close = db.prepare("UPDATE fault_events SET ended_at = max(?, started_at), ended_by = 'stale' WHERE id = ?");
    for (const e of open) close.run(endedAt, e.id);
    return open;
  });
}

/** Counts a run's injections: the toxics the lab added (the loop's and planned ones), not hand-made ones. */
export function injectionCounts(db: Database, runId: string): InjectionCounts {
  const groups = db
    .prepare(
      `SELECT proxy, type, COUNT(*) AS total, SUM(ended_at IS NULL) AS open
         FROM fault_events
        WHERE run_id = ? AND kind = 'toxic' AND json_extract(trigger, '$.kind') IS NOT ?
        GROUP BY proxy, type`,
    )
    .all(runId, MANUAL_TRIGGER.kind) as { proxy: string; type: string; total: number; open: number }[];
  const counts = { total: 0, open: 0, byProxy: {} as Record<string, number>, byType: {} as Record<string, number> };
  for (const g of groups) {
    counts.total += g.total;
    counts.open += g.open;
    counts.byProxy[g.proxy] = (counts.byProxy[g.proxy] ?? 0) + g.total;
    counts.byType[g.type] = (counts.byType[g.type] ?? 0) + g.total;
  }
  return counts;
}
