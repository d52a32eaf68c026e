/**
 * The agent's watch on the proxy-manager, through its heartbeat in `parts` (common/src/parts.ts). A run
 * whose proxy-manager died goes on without chaos, and its results would read as a run under chaos:
 * so once the manager has been seen beating during this run, a heartbeat older than
 * `HEARTBEAT_STALE_MS`, or a stop recorded during the run, fails the run with that reason. Under
 * `chaos-lab up` the launcher sees the death at once; this watch is what tells a compose run
 * (`docker compose kill proxy_mgr`), where nobody else would. A manager never seen during the run (the
 * agent run alone, against services without chaos) is not watched. When the agent's own launcher is
 * gone (kill -9 of `chaos-lab up`), every part stops by itself in no fixed order: a manager seen
 * stopping then is the lab going down, and the agent's own parent watch interrupts the run.
 */
import { type Database, launcherGone, PROXY_MANAGER_PART, readPart } from '@chaos-lab/common';

/** See the file comment. */
export class ManagerWatch {
  readonly #db: Database;
  readonly #runStartedAt: number;
  readonly #staleMs: number;
  readonly #launcherGone: () => boolean;

  /**
   * @param runStartedAt when the run started, ms since the epoch: a heartbeat from before belongs to
   *   another life of the manager
   * @param staleMs `HEARTBEAT_STALE_MS`; 0 turns the watch off
   * @param isLauncherGone whether the launcher that started this process is gone (default
   *   {@link launcherGone}); while it is, nothing counts as lost
   */
  constructor(db: Database, runStartedAt: number, staleMs: number, isLauncherGone: () => boolean = launcherGone) {
    this.#db = db;
    this.#runStartedAt = runStartedAt;
    this.#staleMs = staleMs;
    this.#launcherGone = isLauncherGone;
  }

  /**
   * Reads the manager's row once.
   * @param now ms since the epoch
   * @returns why the manager counts as lost (one line), or undefined while it is fine or not watched
   */
  check(now: number): string | undefined {
    if (this.#staleMs <= 0 || this.#launcherGone()) return undefined;
    const part = readPart(this.#db, PROXY_MANAGER_PART);
    if (!part || part.heartbeatAt < this.#runStartedAt) return undefined;
    if (part.stoppedAt !== null)
      return `the proxy-manager stopped during the run (at ${new Date(part.stoppedAt).toISOString()})`;
    const ageMs = now - part.heartbeatAt;
    if (ageMs > this.#staleMs) {
      return `the proxy-manager is lost: its last heartbeat was ${ageMs} ms ago (HEARTBEAT_STALE_MS=${this.#staleMs})`;
    }
    return undefined;
  }
}
