/**
 * The agent's model calls: marked when they fail (so a prompt failure can say `model`), and, for a
 * model that talks HTTP (Groq), counted at the HTTP level, so the retries its own client makes
 * (`GROQ_MAX_RETRIES`, LangChain's `AsyncCaller`) show in the summary instead of hiding inside one
 * slow model call.
 *
 * Counting: a `wrapModelCall` middleware opens an async-local scope per model call; the `fetch` given
 * to the model client counts the HTTP requests made inside it. Requests beyond the first of a call
 * are retries. The scope follows the call through the client's retry timers, and concurrent prompts
 * each have their own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createMiddleware } from 'langchain';

/** A model call failed (after the model client's own retries). The cause is the client's error. */
export class ModelCallError extends Error {
  /** @param cause what the model client threw */
  constructor(cause: unknown) {
    super(`model call failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'ModelCallError';
  }
}

/** Counts model calls and the HTTP requests they make. */
export class ModelCallCounter {
  readonly #scope = new AsyncLocalStorage<{ requests: number }>();
  #calls = 0;
  #requests = 0;
  #retries = 0;

  /** Model calls made. */
  get calls(): number {
    return this.#calls;
  }

  /** HTTP requests the model client sent (0 for a model that sends none). */
  get requests(): number {
    return this.#requests;
  }

  /** Requests the model client sent again after a failed one. */
  get retries(): number {
    return this.#retries;
  }

  /** A `fetch` for the model client that counts each request in the current model call. */
  readonly fetch: typeof fetch = (input, init) => {
    this.#requests += 1;
    const scope = this.#scope.getStore();
    if (scope) scope.requests += 1;
    return fetch(input, init);
  };

  /**
   * Runs one model call in its own counting scope.
   * @returns what `call` returns; its error passes through
   */
  async count<T>(call: () => Promise<T>): Promise<T> {
    const scope = { requests: 0 };
    this.#calls += 1;
    try {
      return await this.#scope.run(scope, call);
    } finally {
      this.#retries += Math.max(0, scope.requests - 1);
    }
  }
}

/**
 * The middleware that wraps every model call of the agent: counts it on `counter` and turns a
 * failure into a {@link ModelCallError}.
 */
export function modelCallMiddleware(counter: ModelCallCounter) {
  return createMiddleware({
    name: 'ModelCalls',
    wrapModelCall: async (request, handler) => {
      try {
        return await counter.count(async () => handler(request));
      } catch (err) {
        throw new ModelCallError(err);
      }
    },
  });
}
