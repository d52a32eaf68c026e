/**
 * Access logs and request ids: one pino-http line per request in `logs/info.log`, carrying the
 * service name (bound on the logger), the request id, method, URL, status and response time.
 *
 * A client's `X-Request-Id` is taken as the request's id when it is a sane token (letters, digits and
 * `_ . : @ / # + -`, at most 200 characters), so the line joins to the agent's attempt: the agent sends
 * `<callId>#<attempt>`, its `tool_calls.attempt_id`, and the line carries it as `req.id`. Otherwise a
 * fresh UUID is made. The id is echoed in the response's `X-Request-Id`. A request answered with an
 * error carries the answer's message (`error`), so a bad request from the agent can be read in the
 * log; a simulated 503 (`ERROR_PROB`) carries `fault: "simulated"` and logs at `warn`, a real 5xx at
 * `error`. Health checks, which the proxy-manager sends every few seconds, log at `debug`.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp, type HttpLogger } from 'pino-http';
import type { Logger } from '@chaos-lab/common';
import { ERROR_MESSAGE } from './errors.js';
import { SIMULATED_FAILURE, SIMULATED_FAULT } from './simulated-failure.js';

const REQUEST_ID_HEADER = 'x-request-id';
const SANE_REQUEST_ID = /^[\w.:@/#+-]{1,200}$/;

/** Express's `res.locals`, seen from the plain Node response pino-http is typed with. */
function locals(res: ServerResponse): Record<string, unknown> {
  return (res as ServerResponse & { locals?: Record<string, unknown> }).locals ?? {};
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers[REQUEST_ID_HEADER];
  // Ids only label log lines; no behaviour depends on them, so they need not come from the seeded source.
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * The access-log middleware.
 * @param logger the service's logger (bound to `service`)
 * @param healthPath requests to this path log at `debug`
 */
export function accessLog(logger: Logger, healthPath: string): HttpLogger {
  return pinoHttp({
    logger,
    genReqId: requestId,
    customLogLevel(req, res, err) {
      if (res.statusCode >= 500 || err) return locals(res)[SIMULATED_FAILURE] ? 'warn' : 'error';
      return req.url?.split('?')[0] === healthPath ? 'debug' : 'info';
    },
    customSuccessObject(_req, res, line: Record<string, unknown>) {
      const error = locals(res)[ERROR_MESSAGE];
      return error === undefined ? line : { ...line, error };
    },
    // pino-http logs every 5xx through this one, with an error of its own making.
    customErrorObject(_req, res, _err, line: Record<string, unknown>) {
      return locals(res)[SIMULATED_FAILURE] ? { ...line, fault: SIMULATED_FAULT } : line;
    },
  });
}
