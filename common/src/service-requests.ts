/**
 * The services' own record of the requests they receive (`service_requests`): how the lab sees the
 * tool calls and model calls of an agent it cannot look inside (docs/your-agent.md).
 *
 *   request ─▶ INSERT (service, method, path, X-Request-Id, received_at; status NULL) ─▶ the app
 *           ─▶ response ends ─▶ UPDATE status, duration_ms, arguments (query + JSON body)
 *
 * The row is written on arrival, before the request is handled, so once an agent has its answer every
 * request of it that reached a service is in the table, even one whose response is still held by a
 * toxic. The lab attributes rows to prompts afterwards (agent/src/under-test/service-calls.ts).
 *
 * A failed write is logged once and never changes what the client sees: a locked database must not
 * become a fault of its own.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { databaseWhenPresent } from './database-when-present.js';
import type { Logger } from './logger.js';
import type { Settings } from './settings/index.js';

/** A connect-style middleware (Express accepts it): records, then calls `next`. */
export type RequestRecorder = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** True when the services record their requests: `SERVICE_REQUESTS=on`, or `auto` with `AGENT_URL` set. */
export function recordsServiceRequests(settings: Settings): boolean {
  return (
    settings.SERVICE_REQUESTS === 'on' || (settings.SERVICE_REQUESTS === 'auto' && settings.AGENT_URL !== undefined)
  );
}

/** The request's query and (parsed JSON object) body merged, as JSON text; null when both are empty. */
function argumentsOf(req: IncomingMessage): string | null {
  const query = Object.fromEntries(new URL(req.url ?? '/', 'http://service').searchParams);
  const body = (req as IncomingMessage & { body?: unknown }).body;
  const merged = { ...query, ...(body !== null && typeof body === 'object' && !Array.isArray(body) ? body : {}) };
  return Object.keys(merged).length === 0 ? null : JSON.stringify(merged);
}

/**
 * The recorder of one service.
 * @param options `dbPath` the lab database (opened at the first request that finds the file; the
 *   launcher creates it first); `service` a tool service name or `model`; `withArguments` false for
 *   the model server (its bodies are whole conversations); `logger` for the one warning; `now` clock, ms
 * @returns the middleware; mount it after the health route, so health checks are not recorded
 */
export function serviceRequestRecorder(options: {
  dbPath: string;
  service: string;
  withArguments: boolean;
  logger: Logger;
  now?: () => number;
}): RequestRecorder {
  const now = options.now ?? Date.now;
  const write = databaseWhenPresent(options.dbPath, {
    logger: options.logger,
    warning: 'service requests cannot be recorded: requests still served',
  });
  return (req, res, next) => {
    const receivedAt = now();
    const given = req.headers['x-request-id'];
    const path = (req.url ?? '/').split('?')[0]!;
    const id = write((d) =>
      Number(
        d
          .prepare(
            'INSERT INTO service_requests (service, method, path, request_id, received_at) VALUES (?, ?, ?, ?, ?)',
          )
          .run(
            options.service,
            req.method ?? 'GET',
            path,
            typeof given === 'string' ? given.slice(0, 200) : null,
            receivedAt,
          ).lastInsertRowid,
      ),
    );
    if (id !== undefined) {
      res.once('close', () => {
        const status = res.writableFinished ? res.statusCode : 0;
        const args = options.withArguments ? argumentsOf(req) : null;
        write((d) =>
          d
            .prepare('UPDATE service_requests SET status = ?, duration_ms = ?, arguments = ? WHERE id = ?')
            .run(status, now() - receivedAt, args, id),
        );
      });
    }
    next();
  };
}
