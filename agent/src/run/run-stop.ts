/**
 * How a run stops early: interrupted (the caller's signal, SIGINT/SIGTERM; an abort asked through
 * steering) or failed (the lab itself failed: a part the run depends on died, the database, a bug).
 * Either aborts {@link RunStop.signal}, which stops the workers and cancels the prompts in flight; a
 * failure wins over an interruption when both happen, and the first failure is the one reported.
 */
import { LabError } from '@chaos-lab/common';
import { RunInterruptedError } from '../prompts/prompt-errors.js';
import type { RunStatus } from '../records/records.js';

/** The run's stop signal and why it fired. */
export class RunStop {
  readonly #controller = new AbortController();
  readonly #callerSignal: AbortSignal | undefined;
  readonly #onCallerAbort = () => this.interrupt();
  #failure: unknown;

  /** @param callerSignal the caller's interruption (`RunAgentOptions.signal`), if any: followed until {@link dispose} */
  constructor(callerSignal?: AbortSignal) {
    this.#callerSignal = callerSignal;
    if (callerSignal?.aborted) this.interrupt();
    callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
  }

  /** Fires once the run must stop; passed to every prompt attempt. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The first failure, or undefined while the lab has not failed. */
  get failure(): unknown {
    return this.#failure;
  }

  /** How the run ends if it ends now: `failed`, `interrupted`, else `completed`. */
  get status(): RunStatus {
    return this.#failure !== undefined ? 'failed' : this.signal.aborted ? 'interrupted' : 'completed';
  }

  /** Stops the run as interrupted (no-op once stopped). */
  interrupt(): void {
    this.#controller.abort(new RunInterruptedError());
  }

  /**
   * Stops the run as failed.
   * @param err what failed; kept only when it is the first failure
   */
  fail(err: unknown): void {
    this.#failure ??= err;
    this.#controller.abort(err);
  }

  /**
   * Stops the run as failed because a part it depends on is dead (the model, the proxy-manager).
   * @param reason one line, e.g. `the model failed 3 prompts in a row (last: …)`
   */
  partLost(reason: string): void {
    this.fail(new LabError('INTERNAL', `${reason}: stopping the run`));
  }

  /** Stops following the caller's signal. */
  dispose(): void {
    this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }
}
