/**
 * One lab run for a command that runs the lab many times (`chaos-lab run`, `breaking-point`,
 * `shrink`): the launcher behind `npm start` with the request's settings and run id, its console
 * quiet but for its progress lines, no services kept; its report unless the request says not.
 */
import { mkdirSync } from 'node:fs';
import { createLogger } from '@chaos-lab/common';
import type { LaunchRequest } from '@chaos-lab/experiment';
import { runLab } from './up.js';

/**
 * Runs the lab once.
 * @returns the launcher's exit code (0 completed, 1 lab failed, 2 bad input, 128 + n on a signal)
 */
export function launchOnce({ settings, runId, beforeRun, beforeStop, report }: LaunchRequest): Promise<number> {
  mkdirSync(settings.CHARTS_DIR, { recursive: true });
  const logger = createLogger({ name: 'lab', settings: { ...settings, LOG_CONSOLE: 'off' } });
  return runLab(settings, logger, { keep: false, runId, beforeRun, beforeStop, report });
}
