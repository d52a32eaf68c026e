/**
 * What the run checks on every heartbeat besides its prompts: the proxy-manager's heartbeat
 * ({@link ManagerWatch}: a manager lost fails the run) and an abort asked through steering
 * (`steering_changes`, written by the proxy-manager's `/steering`, e.g. from the dashboard), which
 * interrupts the run as Ctrl-C does. A check that cannot read the database is logged and skipped.
 */
import { type Database, type Logger, steeringState } from '@chaos-lab/common';
import { HEARTBEAT_INTERVAL_MS } from './control.js';
import { ManagerWatch } from './manager-watch.js';
import type { RunStop } from './run-stop.js';

/**
 * Starts the checks, every {@link HEARTBEAT_INTERVAL_MS}.
 * @param run `db` and `runId` the run's; `startedAt` when it started (ms since the epoch);
 *   `staleMs` `HEARTBEAT_STALE_MS` (0: the manager is not watched); `stop` what a check stops;
 *   `log` info.log; `now` the clock, ms since the epoch
 * @returns a function that stops the checks
 */
export function watchRun(run: {
  db: Database;
  runId: string;
  startedAt: number;
  staleMs: number;
  stop: RunStop;
  log: Logger;
  now: () => number;
}): () => void {
  const managerWatch = new ManagerWatch(run.db, run.startedAt, run.staleMs);
  const timer = setInterval(() => {
    let lost: string | undefined;
    try {
      lost = managerWatch.check(run.now());
    } catch (err) {
      run.log.warn({ err }, 'could not read the proxy-manager heartbeat');
    }
    if (lost !== undefined) run.stop.partLost(lost);
    try {
      if (!run.stop.signal.aborted && steeringState(run.db, run.runId).abortRequestedAt !== undefined) {
        run.log.warn('abort of the run requested through steering: interrupting it');
        run.stop.interrupt();
      }
    } catch (err) {
      run.log.warn({ err }, "could not read the run's steering");
    }
  }, HEARTBEAT_INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}
