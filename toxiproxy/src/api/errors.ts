/**
 * The API's one error table (Toxiproxy 2.12.0 `api.go`): stable messages and HTTP statuses. Every
 * error a handler answers is an {@link ApiError}; its body is `{"error": message, "status": status}`.
 */

/** An API error: a message and the HTTP status it is answered with. */
export class ApiError extends Error {
  /**
   * @param message the `error` field of the body, e.g. `proxy not found`
   * @param status the HTTP status and the `status` field of the body
   */
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** This error with `: detail` appended to its message (Go's `joinError`). */
  join(detail: string): ApiError {
    return new ApiError(`${this.message}: ${detail}`, this.status);
  }
}

/** The request body is not valid JSON or has a wrong type; join the parser's detail. */
export const ErrBadRequestBody = new ApiError('bad request body', 400);
/** A required field is absent or empty; join the field name (`name`, `upstream at proxy 2`). */
export const ErrMissingField = new ApiError('missing required field', 400);
/** No proxy of that name (404). */
export const ErrProxyNotFound = new ApiError('proxy not found', 404);
/** A proxy of that name exists already (409). */
export const ErrProxyAlreadyExists = new ApiError('proxy already exists', 409);
/** The toxic's stream is neither upstream nor downstream, in any case (400). */
export const ErrInvalidStream = new ApiError('stream was invalid, can be either upstream or downstream', 400);
/** No toxic type of that name (400). */
export const ErrInvalidToxicType = new ApiError('invalid toxic type', 400);
/** The proxy has a toxic of that name already, on either stream (409). */
export const ErrToxicAlreadyExists = new ApiError('toxic already exists', 409);
/** The proxy has no toxic of that name (404). */
export const ErrToxicNotFound = new ApiError('toxic not found', 404);

/** A failure without a table entry (a listen error): answered 500 with the failure's own message. */
export function internalError(message: string): ApiError {
  return new ApiError(message, 500);
}
