/**
 * Process lifecycle: graceful shutdown on SIGTERM/SIGINT for every long-running lab process.
 */
import type { Logger } from 'pino';

/**
 * Environment variable the launcher sets on its children to its own pid. A child whose parent is gone
 * (the launcher was killed with SIGKILL, or died of a closed pipe) shuts down as on SIGTERM instead of
 * running on as an orphan holding ports and toxics.
 */
export const PARENT_PID_VARIABLE = 'CHAOS_LAB_PARENT_PID';

/** How often a launcher's child checks that its parent is alive, ms. */
const PARENT_CHECK_MS = 500;

/** Something to close on shutdown. */
export type Closer = () => Promise<void> | void;

/**
 * Runs `close` once on the first SIGTERM or SIGINT, then exits with status 0 (130 for SIGINT, by
 * convention, when `exitCodeOnSigint` is set). A second signal while closing exits at once with 1,
 * so a hung close never traps the user. Close errors are logged and exit with status 1.
 * When {@link PARENT_PID_VARIABLE} is set, the loss of that parent counts as SIGTERM.
 * @param close what to close (listeners, timers, database); awaited
 * @param options `logger` for the shutdown lines, `timeoutMs` after which the process exits anyway (default 10000)
 */
export function onShutdown(
  close: Closer,
  options: { logger?: Logger; timeoutMs?: number; exitCodeOnSigint?: number } = {},
): void {
  let closing = false;
  const handle = (signal: NodeJS.Signals) => {
    if (closing) {
      options.logger?.warn({ signal }, 'second signal while shutting down: exiting now');
      process.exit(1);
    }
    closing = true;
    options.logger?.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      options.logger?.error({ timeoutMs: options.timeoutMs ?? 10_000 }, 'shutdown took too long: exiting');
      process.exit(1);
    }, options.timeoutMs ?? 10_000);
    timer.unref();
    Promise.resolve()
      .then(close)
      .then(
        () => process.exit(signal === 'SIGINT' ? (options.exitCodeOnSigint ?? 0) : 0),
        (err: unknown) => {
          options.logger?.error({ err }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', handle);
  process.once('SIGINT', handle);
  const parent = Number(process.env[PARENT_PID_VARIABLE]);
  if (parent > 0) {
    watchParent(parent, () => {
      options.logger?.warn({ parent }, 'the launcher that started this process is gone');
      handle('SIGTERM');
    });
  }
}

/**
 * True when this process was started by a launcher ({@link PARENT_PID_VARIABLE} set) and that launcher
 * is no longer its parent: the whole lab is going down, and a part seen stopping now is part of that,
 * not a fault of its own.
 */
export function launcherGone(): boolean {
  const parent = Number(process.env[PARENT_PID_VARIABLE]);
  return parent > 0 && process.ppid !== parent;
}

/**
 * Calls `onGone` once when this process's parent is no longer `parentPid` (it died, and the process
 * was handed to init or a subreaper), checking every {@link PARENT_CHECK_MS} ms. The timer does not
 * keep the process alive.
 * @returns a function that stops watching
 */
export function watchParent(parentPid: number, onGone: () => void): () => void {
  const watch = setInterval(() => {
    if (process.ppid === parentPid) return;
    clearInterval(watch);
    onGone();
  }, PARENT_CHECK_MS);
  watch.unref();
  return () => clearInterval(watch);
}
