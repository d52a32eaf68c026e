/**
 * What the parts of the chaos loop share: its dependencies, its lasting conditions and a logger bound
 * to a run.
 */
import type { Database, Logger, Settings } from '@chaos-lab/common';
import type { FaultSchedule } from '../schedule/fault-schedule.js';
import type { DesiredProxy } from '../toxiproxy/desired-proxies.js';
import type { ToxiproxyGateway } from '../toxiproxy/gateway.js';
import type { Clock } from '../util/clock.js';
import type { ConditionLog } from './conditions.js';

/** What the loop needs. */
export interface ChaosLoopDeps {
  readonly settings: Settings;
  readonly db: Database;
  readonly gateway: ToxiproxyGateway;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The proxies the manager owns, in registry order (the order of the draws). */
  readonly desired: readonly DesiredProxy[];
  /** The run's planned faults: told every tick, its toxics kept by reconciliation, rolled back at stop. */
  readonly schedule?: FaultSchedule;
}

/** The loop's dependencies with its condition log, handed to each of its parts. */
export interface LoopContext {
  readonly deps: ChaosLoopDeps;
  readonly conditions: ConditionLog;
  /** The logger bound to a run (or the plain one when there is none). */
  logFor(runId: string | undefined): Logger;
  /** The run the loop follows now, if any. */
  currentRunId(): string | undefined;
}

/**
 * A {@link LoopContext} whose loggers carry `run_id`.
 * @param currentRunId the run the loop follows now, asked at each use
 */
export function loopContext(
  deps: ChaosLoopDeps,
  conditions: ConditionLog,
  currentRunId: () => string | undefined,
): LoopContext {
  return {
    deps,
    conditions,
    currentRunId,
    logFor: (runId) => (runId ? deps.logger.child({ run_id: runId }) : deps.logger),
  };
}
