/**
 * Planned fault events (`fault_events` rows with `fault` and `trigger`) and the fault plan's
 * `call_announcements`: written by the fault schedule. Times are ms since the epoch (UTC).
 */
import { writeTransaction, type Database } from '@chaos-lab/common';
import type { EventShape } from './faults/fault-kind.js';

/** How a planned event ended (`fault_events.ended_by`). */
export type PlannedEnd = 'duration' | 'trigger' | 'rollback';

/** A planned event to open. */
export interface PlannedEventInput extends EventShape {
  readonly runId: string;
  readonly proxy: string;
  readonly service: string;
  /** The plan's fault name. */
  readonly fault: string;
  /** The trigger's kind and what fired it. */
  readonly trigger: Readonly<Record<string, unknown>>;
  readonly startedAt: number;
}

/** Opens a planned event; returns its id. */
export function openPlannedEvent(db: Database, e: PlannedEventInput): number {
  return writeTransaction(db, () =>
    Number(
      db
        .prepare(
          `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, stream, toxicity, attributes, started_at, fault, trigger)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          e.runId,
          e.kind,
          e.proxy,
          e.service,
          e.name,
          e.type,
          e.stream,
          e.toxicity,
          JSON.stringify(e.attributes),
          e.startedAt,
          e.fault,
          JSON.stringify(e.trigger),
        ).lastInsertRowid,
    ),
  );
}

/** Removes the event of a fault that could not be put in place (it never fired). */
export function deletePlannedEvent(db: Database, id: number): void {
  writeTransaction(db, () => {
    db.prepare('DELETE FROM fault_events WHERE id = ?').run(id);
  });
}

/** What a closed planned event records besides its end (NULL columns when left out). */
export interface PlannedEndFacts {
  /** The attempt ids it touched (`fault_events.touched_attempts`); undefined: the schedule cannot tell. */
  readonly touched?: readonly string[];
  /** The measured outage of a service fault, ms (`fault_events.outage_ms`). */
  readonly outageMs?: number;
}

/** Closes a planned event (a no-op when closed already). */
export function closePlannedEvent(
  db: Database,
  id: number,
  endedAt: number,
  endedBy: PlannedEnd,
  facts: PlannedEndFacts = {},
): void {
  writeTransaction(db, () => {
    db.prepare(
      `UPDATE fault_events SET ended_at = max(?, started_at), ended_by = ?,
              touched_attempts = coalesce(?, touched_attempts), outage_ms = coalesce(?, outage_ms)
        WHERE id = ? AND ended_at IS NULL`,
    ).run(
      endedAt,
      endedBy,
      facts.touched === undefined ? null : JSON.stringify(facts.touched),
      facts.outageMs ?? null,
      id,
    );
  });
}

/** Records when a planned event is due to end (`fault_events.due_at`, ms since the epoch). */
export function setPlannedDue(db: Database, id: number, dueAt: number): void {
  writeTransaction(db, () => {
    db.prepare('UPDATE fault_events SET due_at = ? WHERE id = ?').run(dueAt, id);
  });
}

/** Records one announced attempt and the planned faults active on its service when it was acknowledged. */
export function recordAnnouncement(
  db: Database,
  a: {
    runId: string;
    promptIndex: number;
    tool: string;
    callId: string;
    attempt: number;
    at: number;
    faults: readonly string[];
    /** How long it was held before its acknowledgement, ms, and by which planned fault. */
    heldMs: number;
    heldBy: string | undefined;
  },
): void {
  writeTransaction(db, () => {
    db.prepare(
      `INSERT INTO call_announcements (run_id, prompt_index, tool, call_id, attempt, at, faults, held_ms, held_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      a.runId,
      a.promptIndex,
      a.tool,
      a.callId,
      a.attempt,
      a.at,
      JSON.stringify(a.faults),
      Math.round(a.heldMs),
      a.heldBy ?? null,
    );
  });
}

/** When a run started (`runs.started_at`), or undefined when it is not recorded yet. */
export function runStartedAt(db: Database, runId: string): number | undefined {
  const row = db.prepare('SELECT started_at AS startedAt FROM runs WHERE run_id = ?').get(runId) as
    | { startedAt: number }
    | undefined;
  return row?.startedAt;
}

/** Of two runs, the one started last (the order `currentRun` uses), or undefined when neither is recorded. */
export function newerRun(db: Database, a: string, b: string): string | undefined {
  const row = db
    .prepare('SELECT run_id AS runId FROM runs WHERE run_id IN (?, ?) ORDER BY started_at DESC, rowid DESC LIMIT 1')
    .get(a, b) as { runId: string } | undefined;
  return row?.runId;
}
