/**
 * `chaos-lab dashboard`: serves the dashboard alone on `DASHBOARD_PORT` (8200 + `PORT_OFFSET`) for the
 * database at `LAB_DB_PATH`: its history, any run opened and compared, and the live run when a lab
 * (`npm start`, compose) records one there. Runs until SIGTERM/SIGINT. `chaos-lab up` starts the same
 * server beside its run (DASHBOARD=on).
 */
import { createLogger, onShutdown, settings } from '@chaos-lab/common';
import { startDashboard } from '@chaos-lab/dashboard';
import type { Command } from 'commander';

/** Registers `chaos-lab dashboard`. */
export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description(
      'serve the dashboard on DASHBOARD_PORT: the live run, the history of LAB_DB_PATH, comparisons, steering through PROXY_MANAGER_URL',
    )
    .action(async () => {
      const s = settings();
      const logger = createLogger({ name: 'dashboard', settings: s });
      try {
        const dashboard = await startDashboard({ settings: s, logger });
        process.stdout.write(`dashboard: ${dashboard.url} (database ${s.LAB_DB_PATH})\n`);
        onShutdown(() => dashboard.close(), { logger });
      } catch (err) {
        logger.error({ err }, 'dashboard could not start');
        process.stderr.write(`chaos-lab dashboard: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
