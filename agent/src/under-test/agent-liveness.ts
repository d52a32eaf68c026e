/**
 * Whether an agent over HTTP (`AGENT_URL`, maybe started by `AGENT_COMMAND`) is still there. An agent
 * that fails one prompt (an HTTP 500, a bad reply) has failed an attempt; an agent that is gone would
 * fail every prompt left in a few milliseconds, and a run of such failures would read as a verdict on
 * the agent. So a gone agent fails the run (`failed`, with the reason) instead:
 *
 *   AGENT_COMMAND's process exits during the run ──▶ died: `AGENT_COMMAND exited with status 137
 *                                                     (signal SIGKILL) during prompt 2 of 30 (prompt_index 1)`
 *   POST /prompt fails without an answer (refused, reset, closed) ─▶ GET /health
 *       answers 2xx ─▶ the agent is there: the attempt failed, as any other
 *       does not ─▶ the command's process exits within {@link EXIT_GRACE_MS} ─▶ died (as above)
 *                   else ─▶ `stopped answering at AGENT_URL: POST /prompt ECONNREFUSED, GET /health …`
 *
 * A module agent (`AGENT_MODULE`) runs inside the lab's process and cannot be gone without the lab.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { checkHealth } from '@chaos-lab/common';
import { errorCodes } from '../tool-calls/service-http.js';
import type { AgentProcess } from './agent-process.js';

/** How long the health probe after a failed `POST /prompt` may take, ms. */
export const PROBE_TIMEOUT_MS = 2000;

/**
 * How long, once the health probe failed, the command's process has to be seen exiting, ms: a killed
 * process's sockets are closed before its exit is reported, and the exit names the death better.
 */
export const EXIT_GRACE_MS = 2000;

/** What the watch needs. */
export interface AgentLivenessDeps {
  /** `AGENT_URL`, without a trailing slash. */
  readonly url: string;
  /** The `AGENT_COMMAND` process the lab started, if it did. */
  readonly process?: AgentProcess;
  /** The run's prompt indexes, in the order they run (for "prompt 2 of 30"). */
  readonly promptIndexes: readonly number[];
  /** Told once, with one line, when the agent is gone; never called after {@link AgentLiveness.close}. */
  readonly onGone: (reason: string) => void;
}

/** See the file comment. One per run. */
export class AgentLiveness {
  readonly #deps: AgentLivenessDeps;
  #inFlight: number | undefined;
  #done = false;

  constructor(deps: AgentLivenessDeps) {
    this.#deps = deps;
    void deps.process?.exited.then((how) =>
      this.#gone(`the agent under test died: AGENT_COMMAND ${how} ${this.#when()}`),
    );
  }

  /** A prompt attempt is being sent (`prompt_results.prompt_index`), or none is (undefined). */
  set inFlight(promptIndex: number | undefined) {
    this.#inFlight = promptIndex;
  }

  /**
   * Called when `POST /prompt` threw without an answer (not through its abort signal): decides whether
   * the agent is gone, and if so tells `onGone` before it resolves. Never rejects.
   * @param err what the request threw
   */
  async requestFailed(err: unknown): Promise<void> {
    const { url, process } = this.#deps;
    const health = await checkHealth(`${url}/health`, PROBE_TIMEOUT_MS);
    if (health.ok || this.#done) return;
    if (process) {
      const exited = await Promise.race([process.exited.then(() => true), delay(EXIT_GRACE_MS, false, { ref: false })]);
      // Its exit has been reported (the constructor's watch): that names the death.
      if (exited) return;
    }
    const code = errorCodes(err).at(-1) ?? (err instanceof Error ? err.message : String(err));
    this.#gone(
      `the agent under test stopped answering at ${url}: POST /prompt ${code}, GET /health ${health.why}, ${this.#when()}`,
    );
  }

  /** The run is over: an exit from now on is not a death. */
  close(): void {
    this.#done = true;
  }

  #gone(reason: string): void {
    if (this.#done) return;
    this.#done = true;
    this.#deps.onGone(reason);
  }

  #when(): string {
    const { promptIndexes } = this.#deps;
    if (this.#inFlight === undefined) return 'while no prompt was in flight';
    const position = promptIndexes.indexOf(this.#inFlight) + 1;
    return `during prompt ${position} of ${promptIndexes.length} (prompt_index ${this.#inFlight})`;
  }
}
