/**
 * The lab's one error class, with stable codes.
 *
 * Codes are part of the interface: logs, the database (`error_type` is derived from them) and tests
 * match on `code`, never on message text. Add a code here rather than throwing a bare `Error`.
 */

/** Every stable error code, with the HTTP status a service answers it with. */
export const ERROR_CODES = {
  /** A setting (environment variable or option) has a bad value. */
  SETTINGS_INVALID: 500,
  /** The prompts file is missing, not JSON, or has a bad entry. */
  PROMPTS_INVALID: 500,
  /** An experiment file is missing, not YAML, or fails its schema (the message names the path). */
  EXPERIMENT_INVALID: 500,
  /** The lab file (`LAB_FILE`) is missing, not YAML, or fails its schema (the message names the path). */
  LAB_FILE_INVALID: 500,
  /** A service declared in the lab file is not there: its health check failed at start. */
  SERVICE_ABSENT: 503,
  /** A request's input failed validation. */
  VALIDATION: 400,
  /** A request body was larger than allowed. */
  PAYLOAD_TOO_LARGE: 413,
  /** A resource (route, city, proxy…) does not exist. */
  NOT_FOUND: 404,
  /** A tool service answered with a simulated failure (`ERROR_PROB`). */
  SIMULATED_FAILURE: 503,
  /** A service name is not in the registry. */
  UNKNOWN_SERVICE: 400,
  /** A port the lab needs is already in use. */
  PORT_IN_USE: 500,
  /** A dependency (Toxiproxy, a tool service…) never became healthy in time. */
  NOT_READY: 503,
  /** The database could not be opened or migrated. */
  DATABASE: 500,
  /** A call to a dependency timed out. */
  TIMEOUT: 504,
  /** A Toxiproxy API call failed: no answer in time, unreachable, or an error status (details say which). */
  TOXIPROXY: 502,
  /** Anything unexpected. */
  INTERNAL: 500,
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** An error with a stable {@link ErrorCode}, the HTTP status it maps to, and optional structured details. */
export class LabError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  /**
   * @param code stable code (see {@link ERROR_CODES})
   * @param message one human-readable line
   * @param options `details` for logs/JSON bodies, `status` to override the code's HTTP status, `cause`
   */
  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LabError';
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code];
    if (options.details) this.details = options.details;
  }
}

/** True when `err` is a {@link LabError}, optionally with the given code. */
export function isLabError(err: unknown, code?: ErrorCode): err is LabError {
  return err instanceof LabError && (code === undefined || err.code === code);
}
