/**
 * Planned HTTP errors (an experiment's `http_error` faults, docs/experiments.md): while the proxy-manager
 * holds an open `http_error` fault event for this service in the current run, every request but
 * `GET /health` is answered with the event's status, its `Retry-After` (s) when it has one, and its
 * body, instead of the service's result. The service never decides this: it reads the manager's record
 * (SQLite) on each request, so a fault the manager fires before acknowledging an announced attempt is
 * met by that attempt, and a fault it ends is gone at the next request.
 *
 * The answer is marked `X-Chaos-Fault: planned` (a simulated 503 says `simulated`), and its body
 * `{ error, fault, planned: true }`.
 */
import type { RequestHandler } from 'express';
import { CURRENT_RUN_ID_SQL, databaseWhenPresent, type Logger } from '@chaos-lab/common';
import { FAULT_HEADER } from './simulated-failure.js';

/** The `X-Chaos-Fault` value of a planned error. */
export const PLANNED_FAULT = 'planned';

/** An HTTP error to answer with. */
export interface PlannedError {
  /** The plan's fault name. */
  readonly fault: string;
  readonly status: number;
  readonly retryAfterS?: number;
  readonly body?: string;
}

/** Reads the planned error for a service now, or undefined. */
export type PlannedErrorSource = () => PlannedError | undefined;

/**
 * The source reading `dbPath` for `service`. The database is opened read-only at the first request
 * that finds the file (the launcher creates it before starting the services); a failed read is logged
 * (once) and answers undefined (no planned error), so a locked database never fails the service's work.
 */
export function plannedErrorsFromDatabase(dbPath: string, service: string, logger: Logger): PlannedErrorSource {
  // Read-only: a service only reads the manager's record (no migration, no journal-mode change
  // competing with the writers for a lock).
  const use = databaseWhenPresent(dbPath, {
    readonly: true,
    logger,
    warning: 'planned faults cannot be read: none applied',
  });
  return () =>
    use((db) => {
      const row = db
        .prepare(
          `SELECT f.fault AS fault, f.attributes AS attributes FROM fault_events f
            WHERE f.kind = 'http_error' AND f.service = ? AND f.ended_at IS NULL
              AND f.run_id = ${CURRENT_RUN_ID_SQL}
            ORDER BY f.id DESC LIMIT 1`,
        )
        .get(service) as { fault: string | null; attributes: string } | undefined;
      if (!row) return undefined;
      const a = JSON.parse(row.attributes) as { status: number; retry_after_s?: number; body?: string };
      return { fault: row.fault ?? 'unnamed', status: a.status, retryAfterS: a.retry_after_s, body: a.body };
    });
}

/**
 * @param source where the planned error comes from (undefined: none, e.g. in unit tests)
 * @param healthPath the path never failed
 */
export function plannedFault(source: PlannedErrorSource | undefined, healthPath: string): RequestHandler {
  return (req, res, next) => {
    const planned = req.path === healthPath ? undefined : source?.();
    if (!planned) {
      next();
      return;
    }
    res.locals.plannedFault = planned.fault;
    res.setHeader(FAULT_HEADER, PLANNED_FAULT);
    if (planned.retryAfterS !== undefined) res.setHeader('Retry-After', String(planned.retryAfterS));
    res.status(planned.status).json({
      error: planned.body ?? `planned fault ${planned.fault}: HTTP ${planned.status}`,
      fault: planned.fault,
      planned: true,
    });
  };
}
