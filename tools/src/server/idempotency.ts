/**
 * Idempotent writes keyed by `request_id`: the agent retries a write whose answer was
 * lost to a toxic, and the retry must not add a second event or send a second message.
 *
 * The first successful answer to a (write, request_id) pair is kept; a repeat gets that answer back,
 * marked `duplicate: true`, without running the write again. A write that throws (bad input, …) is
 * not recorded, so the client can correct it and retry under the same id. Ids are scoped per write
 * (`POST /events` and `DELETE /events` keep separate books) and live in memory, like the data they
 * guard; the oldest are forgotten past {@link IdempotencyStore} capacity so memory stays bounded.
 */

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

/** A write that took effect (a repeat answered from the book is not one). */
export interface EffectiveWrite {
  /** The write, e.g. `POST /events`. */
  readonly scope: string;
  /** Its idempotency key, or null when the request had none. */
  readonly requestId: string | null;
}

/** Remembers the answers of idempotent writes. Not shared between services. */
export class IdempotencyStore {
  private readonly answers = new Map<string, WriteAnswer>();
  private readonly effective: EffectiveWrite[] = [];

  /** @param capacity how many (write, request_id) answers are kept; the oldest go first */
  constructor(private readonly capacity = IDEMPOTENCY_CAPACITY) {}

  /**
   * Runs `write` unless this `requestId` already succeeded for this `scope`.
   * @param scope the write, e.g. `POST /events`
   * @param requestId the client's idempotency key; `undefined` runs the write without recording it
   * @param write performs the write and returns its answer; if it throws, nothing is recorded
   * @returns the write's answer, or the first answer with `duplicate: true` on a repeat
   */
  run(scope: string, requestId: string | undefined, write: () => WriteAnswer): WriteAnswer {
    if (requestId === undefined) {
      const answer = write();
      this.remember({ scope, requestId: null });
      return answer;
    }
    const key = `${scope}\u0000${requestId}`;
    const first = this.answers.get(key);
    if (first) return { status: first.status, body: { ...first.body, duplicate: true } };
    const answer = write();
    this.remember({ scope, requestId });
    this.answers.set(key, answer);
    if (this.answers.size > this.capacity) {
      const oldest = this.answers.keys().next().value;
      if (oldest !== undefined) this.answers.delete(oldest);
    }
    return answer;
  }

  /**
   * The writes that took effect, oldest first (at most the book's capacity): what the experiment
   * runner reads (`GET /writes`) to count duplicate side effects, i.e. one logical call written twice.
   */
  writes(): readonly EffectiveWrite[] {
    return this.effective;
  }

  private remember(write: EffectiveWrite): void {
    this.effective.push(write);
    if (this.effective.length > this.capacity) this.effective.shift();
  }
}
