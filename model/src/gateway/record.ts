/**
 * The record of the faults the gateway injects: one `fault_events` row per faulted request (kind
 * `llm`, proxy `model_proxy`, service `model`, name and type the fault kind, attributes with the
 * request's id; trigger: the call number and prompt), opened when the fault is applied and closed when its
 * response ends (`ended_by` `response_sent`, or `client_closed` when the client gave up first). The
 * agent's model_calls rows find their fault by the request id.
 *
 * The database is opened at the first faulted request that finds the file; a failed write is logged
 * once and the fault still applies (a locked database must not change what the client sees).
 */
import { existsSync } from 'node:fs';
import { MODEL_PART, openDatabase, type Database, type Logger } from '@chaos-lab/common';
import type { LlmFault } from './faults.js';

/** Where an injected fault is recorded. */
export interface FaultRecorder {
  /** Opens the fault's event; returns its id, or undefined when it could not be written. */
  open(fault: LlmFault, at: { runId: string | undefined; requestId: string; callNumber: number; promptIndex?: number; now: number }): number | undefined;
  /** Closes an event opened by {@link open}. */
  close(id: number | undefined, endedBy: 'response_sent' | 'client_closed', now: number): void;
}

/** A recorder writing to the lab's database at `dbPath`. */
export function faultRecorder(dbPath: string, logger: Logger): FaultRecorder {
  let db: Database | undefined;
  let warned = false;
  const guard = <T>(write: () => T): T | undefined => {
    try {
      if (!db) {
        if (!existsSync(dbPath)) return undefined;
        db = openDatabase(dbPath);
      }
      return write();
    } catch (err) {
      if (!warned) logger.warn({ err: (err as Error).message }, 'LLM fault events cannot be written: faults still applied');
      warned = true;
      return undefined;
    }
  };
  return {
    open(fault, at) {
      return guard(() => {
        const { kind, ...attributes } = fault;
        const row = db!
          .prepare(
            `INSERT INTO fault_events (run_id, kind, proxy, service, name, type, attributes, started_at, fault, trigger)
             VALUES (?, 'llm', ?, 'model', ?, ?, ?, ?, NULL, ?)`,
          )
          .run(
            at.runId ?? null,
            MODEL_PART.proxyName,
            kind,
            kind,
            JSON.stringify({ ...attributes, request_id: at.requestId }),
            at.now,
            // What fired it: the LLM_FAULT_* settings, on this model call of this prompt.
            JSON.stringify({ kind: 'settings', call: at.callNumber, prompt: at.promptIndex ?? null }),
          );
        return Number(row.lastInsertRowid);
      });
    },
    close(id, endedBy, now) {
      if (id === undefined) return;
      guard(() => db!.prepare('UPDATE fault_events SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL').run(now, endedBy, id));
    },
  };
}
