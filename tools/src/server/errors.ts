/**
 * The tool services' error answers: every failure leaves as JSON `{ error, field? }` with the status of
 * its {@link LabError} code, so a client never has to parse an HTML error page.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { LabError, type Logger } from '@chaos-lab/common';

/** `res.locals` key holding the error message a request was answered with, for its access log line. */
export const ERROR_MESSAGE = 'errorMessage';

/** The JSON body of every error answer. `field` names the request field at fault, when one is. */
export interface ErrorBody {
  readonly error: string;
  readonly field?: string;
}

/** A 400 naming the field at fault; the message should start with the field's name. */
export function invalidField(field: string, message: string): LabError {
  return new LabError('VALIDATION', message, { details: { field } });
}

/** A 404 for an entity that does not exist (an unknown city, …). */
export function notFound(message: string): LabError {
  return new LabError('NOT_FOUND', message);
}

/** The last route: any path or method no service answers gets a JSON 404 naming it. */
export const unknownRoute: RequestHandler = (req, _res, next) => {
  next(notFound(`no route for ${req.method} ${req.path}`));
};

/** The shape of the errors body-parser and its decoders raise (http-errors): a status, maybe a type. */
interface HttpError {
  readonly status: number;
  readonly type?: string;
  readonly expose?: boolean;
  readonly limit?: number;
  readonly message: string;
}

function isHttpError(err: unknown): err is HttpError {
  return err instanceof Error && typeof (err as Partial<HttpError>).status === 'number';
}

/** Maps an error to the status and body a client sees. Unknown errors become a bare 500 (details only in the log). */
function errorAnswer(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof LabError) {
    const field = typeof err.details?.field === 'string' ? err.details.field : undefined;
    return { status: err.status, body: field === undefined ? { error: err.message } : { error: err.message, field } };
  }
  if (isHttpError(err)) {
    if (err.type === 'entity.too.large') {
      const limit = err.limit === undefined ? '' : `: the limit is ${err.limit} bytes`;
      return { status: 413, body: { error: `request body too large${limit}` } };
    }
    if (err.type === 'entity.parse.failed') {
      return { status: 400, body: { error: `body is not valid JSON: ${err.message}`, field: 'body' } };
    }
    if (err.status >= 400 && err.status < 500 && err.expose !== false) {
      return { status: err.status, body: { error: err.message } };
    }
  }
  return { status: 500, body: { error: 'internal error' } };
}

/**
 * The last middleware: answers every error as JSON. A client error shows in the request's access log
 * line (at `info`: bad input is routine for an agent's tools); anything that becomes a 500 is also
 * logged at `error` with its stack.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const { status, body } = errorAnswer(err);
    if (status >= 500) logger.error({ err, reqId: req.id }, 'request failed');
    res.locals[ERROR_MESSAGE] = body.error;
    res.status(status).json(body);
  };
}
