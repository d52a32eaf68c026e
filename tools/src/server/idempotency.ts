/**
 * Idempotent writes keyed by `request_id`: the agent retries a write whose answer was
 * lost to a toxic, and the retry must not add a second event or send a second message.
 *
 * The first successful answer to a (write, request_id) pair is kept; a repeat gets that answer back,
 * marked `duplicate: true`, without running the write again. A write that throws (bad input, …) is
 * not recorded, so the client can correct it and retry under the same id. Ids are scoped per write
 * (`POST /events` and `DELETE /events` keep separate books) and live in memory, like the data they
 * guard; the oldest are forgotten past {@link IdempotencyStore} capacity so memory stays bounded.
 *
 * The book also lists every write that took effect (`GET /writes`), with what was written (its
 * identity: the tool and its effective arguments, by the service's rule), the record it made and the
 * request's `X-Request-Id`: how the experiment runner counts duplicate side effects, whatever key or
 * logical call produced them (experiment/src/duplicates.ts).
 */
import type { WriteListing } from '@chaos-lab/common';

/** A write's answer: HTTP status and JSON body. */
export interface WriteAnswer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/**
 * How many answers a book keeps by default. A retry arrives within seconds of the first attempt
 * (`TOOL_LIMIT` attempts of at most `PROXY_TIMEOUT_MS` and one fallback), when far fewer writes than
 * this have reached the service; with the largest answers (a 5000-character message) the book holds
 * about 5 MB. (10,000 let a flood of messages keep 54 MB of answers and the service grow to 380 MB.)
 */
export const IDEMPOTENCY_CAPACITY = 1000;

/** A write as a service route hands it to the book. */
export interface WriteRequest {
  /** The write, e.g. `POST /events`. */
  readonly scope: string;
  /** The client's idempotency key; `undefined` runs the write without recording its answer. */
  readonly requestId: string | undefined;
  /** The request's `X-Request-Id` (at most 200 characters), null without one: ties the write to a run and prompt. */
  readonly xRequestId: string | null;
  /** What is written: the tool and its effective arguments (`writeIdentity`, by the service's rule). */
  readonly identity: string;
}

/** What a write did: its answer, and the id of the record it made (`msg_5`; null when it made none). */
export interface WriteOutcome {
  readonly answer: WriteAnswer;
  readonly record: string | null;
}

/** A write that took effect (a repeat answered from the book is not one). */
export interface EffectiveWrite {
  readonly scope: string;
  /** Its idempotency key, or null when the request had none. */
  readonly requestId: string | null;
  readonly xRequestId: string | null;
  readonly identity: string;
  readonly record: string | null;
  /** When it took effect, ms since the epoch. */
  readonly writtenAt: number;
}

/** Longest `X-Request-Id` the book keeps, in characters (the access log's limit: access-log.ts). */
const MAX_X_REQUEST_ID_CHARS = 200;

/**
 * The {@link WriteRequest} of an Express request.
 * @param req the request (its `X-Request-Id` header is read)
 * @param scope the write, e.g. `POST /messages`
 * @param requestId the validated `request_id`, if any
 * @param identity what is written (the service's rule)
 */
export function writeRequest(
  req: { get(name: string): string | undefined },
  scope: string,
  requestId: string | undefined,
  identity: string,
): WriteRequest {
  return { scope, requestId, xRequestId: req.get('x-request-id')?.slice(0, MAX_X_REQUEST_ID_CHARS) ?? null, identity };
}

/** Remembers the answers of idempotent writes. Not shared between services. */
export class IdempotencyStore {
  private readonly answers = new Map<string, WriteAnswer>();
  private readonly effective: EffectiveWrite[] = [];

  /**
   * @param capacity how many (write, request_id) answers, and how many effective writes, are kept; the oldest go first
   * @param now clock, ms since the epoch
   */
  constructor(
    private readonly capacity = IDEMPOTENCY_CAPACITY,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Runs `write` unless this request's `requestId` already succeeded for its `scope`.
   * @param request the write, its key, `X-Request-Id` and identity
   * @param write performs the write and returns its answer and record; if it throws, nothing is recorded
   * @returns the write's answer, or the first answer with `duplicate: true` on a repeat
   */
  run(request: WriteRequest, write: () => WriteOutcome): WriteAnswer {
    const { scope, requestId } = request;
    const key = requestId === undefined ? undefined : `${scope}\u0000${requestId}`;
    const first = key === undefined ? undefined : this.answers.get(key);
    if (first) return { status: first.status, body: { ...first.body, duplicate: true } };
    const { answer, record } = write();
    this.remember({ ...request, requestId: requestId ?? null, record, writtenAt: this.now() });
    if (key === undefined) return answer;
    this.answers.set(key, answer);
    if (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
    return answer;
  }

  /**
   * The writes that took effect, oldest first (at most the book's capacity), as `GET /writes` lists
   * them: what the experiment runner reads to count duplicate side effects.
   */
  listing(): WriteListing[] {
    return this.effective.map((w) => ({
      scope: w.scope,
      request_id: w.requestId,
      x_request_id: w.xRequestId,
      identity: w.identity,
      record: w.record,
      written_at: w.writtenAt,
    }));
  }

  private remember(write: EffectiveWrite): void {
    this.effective.push(write);
    if (this.effective.length > this.capacity) this.effective.shift();
  }
}
