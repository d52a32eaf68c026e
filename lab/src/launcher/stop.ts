/**
 * How `chaos-lab up` stops: on the first SIGINT, SIGTERM or SIGHUP (or when the process that started
 * it is gone, e.g. a killed `npm start`), the children are stopped in the order that keeps the record
 * whole, each with its own grace before SIGKILL:
 *
 *   agent (records its unfinished prompts, ≤ 10 s) ──► proxy-manager (removes its toxics, closes their
 *   events, ≤ 10 s) ──► Toxiproxy and the tool services (≤ 5 s)
 *
 * The children run in process groups of their own (child.ts), so a group signal reaches only the
 * launcher. A second signal does not cut the stop short: the stop is bounded by the graces above, and
 * cutting it would lose the record it exists to keep; it says what is still being waited for instead.
 * A repeat within {@link SAME_STOP_MS} of the first is the same stop seen twice (a terminal's Ctrl-C
 * reaches npm, which forwards it, and the launcher) and is not even mentioned.
 *
 * Exit codes follow the shell's 128 + signal number: 130 (SIGINT), 143 (SIGTERM), 129 (SIGHUP).
 */
import { watchParent } from '@chaos-lab/common';
import type { LabChild } from './child.js';

/** Signals that stop the lab, and the exit code of each. */
export const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/** A stop signal's name. */
export type StopSignal = keyof typeof STOP_SIGNALS;

/** Repeats of the stop signal within this long of the first are the same stop, ms. */
export const SAME_STOP_MS = 1000;

/** Grace of the agent and the proxy-manager before SIGKILL, ms. */
export const RECORD_KEEPER_GRACE_MS = 10_000;

/** Grace of the other children (Toxiproxy, the tool services) before SIGKILL, ms. */
export const OTHER_GRACE_MS = 5000;

/** Stops the lab's children in order on a signal; see the file comment. */
export class LabStop {
  readonly #children: LabChild[];
  readonly #say: (line: string) => void;
  readonly #now: () => number;
  #signal: StopSignal | undefined;
  #signalledAt = 0;
  #stopping: Promise<void> | undefined;
  #onRequest!: () => void;
  #unwatchParent: (() => void) | undefined;
  /** Settles on the first stop signal. */
  readonly requested: Promise<void>;
  readonly #handlers: [StopSignal, () => void][];

  /**
   * @param children the launcher's children (the list may grow: restarted services are added)
   * @param say writes one console line
   * @param now clock, ms since the epoch (tests)
   */
  constructor(children: LabChild[], say: (line: string) => void, now: () => number = Date.now) {
    this.#children = children;
    this.#say = say;
    this.#now = now;
    this.requested = new Promise((resolve) => (this.#onRequest = resolve));
    this.#handlers = (Object.keys(STOP_SIGNALS) as StopSignal[]).map((signal) => [
      signal,
      () => this.#received(signal),
    ]);
  }

  /** Listens for the stop signals and watches the parent process. */
  install(): void {
    for (const [signal, handler] of this.#handlers) process.on(signal, handler);
    const parent = process.ppid;
    this.#unwatchParent = watchParent(parent, () => {
      this.#say(`the process that started the lab (pid ${parent}) is gone: stopping the lab`);
      this.#received('SIGTERM');
    });
  }

  /** Stops listening (after the lab has stopped). */
  uninstall(): void {
    for (const [signal, handler] of this.#handlers) process.off(signal, handler);
    this.#unwatchParent?.();
  }

  /** The first stop signal received, if any. */
  get signal(): StopSignal | undefined {
    return this.#signal;
  }

  /** The exit code for the signal received (undefined when none was). */
  exitCode(): number | undefined {
    return this.#signal && STOP_SIGNALS[this.#signal];
  }

  /** Stops every child in order (see the file comment); the same promise on every call. */
  stopAll(): Promise<void> {
    this.#stopping ??= (async () => {
      const byName = (name: string) => this.#children.filter((c) => c.name === name);
      for (const group of [byName('agent'), byName('proxy-manager')])
        await Promise.all(group.map((c) => c.stop(RECORD_KEEPER_GRACE_MS)));
      // The list is read again: a service restarted meanwhile is stopped too.
      await Promise.all(this.#children.map((c) => c.stop(OTHER_GRACE_MS)));
    })();
    return this.#stopping;
  }

  #received(signal: StopSignal): void {
    const at = this.#now();
    if (this.#signal) {
      if (at - this.#signalledAt < SAME_STOP_MS) return;
      const rank = (name: string) => (name === 'agent' ? 0 : name === 'proxy-manager' ? 1 : 2);
      const waiting = [...new Set(this.#children.filter((c) => !c.hasExited()).map((c) => c.name))].sort(
        (a, b) => rank(a) - rank(b),
      );
      this.#say(
        `${signal}: already stopping in order, waiting for ${waiting.length > 0 ? waiting.join(', ') : 'the record to be completed'} ` +
          `(the agent and the proxy-manager get ${RECORD_KEEPER_GRACE_MS / 1000} s each, the rest ${OTHER_GRACE_MS / 1000} s, before SIGKILL)`,
      );
      return;
    }
    this.#signal = signal;
    this.#signalledAt = at;
    this.#say(
      `\n${signal}: stopping the lab in order (finished prompts keep their results; the others are recorded as interrupted)…`,
    );
    this.#onRequest();
    void this.stopAll();
  }
}
