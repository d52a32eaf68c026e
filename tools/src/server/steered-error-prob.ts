/**
 * `ERROR_PROB` as steered while a run goes (the dashboard's steering): the proxy-manager's
 * `/steering` records a change in `steering_changes` (common/src/steering.ts); each request reads the
 * latest one for the current run, as the planned HTTP errors are read (planned-fault.ts), so a change
 * reaches every tool service, in a child process or a container, at its next request.
 */
import { databaseWhenPresent, steeredErrorProb, type Logger } from '@chaos-lab/common';

/** The `ERROR_PROB` in force now. */
export type ErrorProbSource = () => number;

/**
 * The source reading `dbPath`, falling back to `settingsErrorProb` while the current run's ERROR_PROB
 * was never steered, the file does not exist yet, or the database cannot be read (logged once).
 * @param settingsErrorProb the service's own `ERROR_PROB`, a probability in [0, 1]
 */
export function errorProbFromDatabase(dbPath: string, settingsErrorProb: number, logger: Logger): ErrorProbSource {
  const use = databaseWhenPresent(dbPath, {
    readonly: true,
    logger,
    warning: 'steered ERROR_PROB cannot be read: keeping the setting',
  });
  return () => use(steeredErrorProb) ?? settingsErrorProb;
}
