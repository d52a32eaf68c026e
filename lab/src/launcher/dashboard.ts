/**
 * The dashboard beside a run of `chaos-lab up` (DASHBOARD=on): served by the launcher itself (it only
 * reads the record and relays steering to the proxy-manager), its URL printed with the banner, closed
 * when the lab stops. It failing to start (its port taken, say) is said and the run goes on: watching
 * is not the experiment, so its port is not among those the launcher insists on.
 */
import type { Logger, Settings } from '@chaos-lab/common';
import type { Dashboard } from '@chaos-lab/dashboard';

/**
 * Starts the dashboard when `DASHBOARD` is on.
 * @param say the console line writer
 * @returns the running dashboard, or undefined (off, or it could not start: said and logged)
 */
export async function startLabDashboard(
  settings: Settings,
  logger: Logger,
  say: (line: string) => void,
): Promise<Dashboard | undefined> {
  if (settings.DASHBOARD !== 'on') return undefined;
  try {
    const { startDashboard } = await import('@chaos-lab/dashboard');
    const dashboard = await startDashboard({ settings, logger: logger.child({ part: 'dashboard' }) });
    say(`dashboard: ${dashboard.url}`);
    return dashboard;
  } catch (err) {
    logger.error({ err }, 'the dashboard could not start');
    say(`chaos-lab: the dashboard could not start (${(err as Error).message}); the run goes on without it`);
    return undefined;
  }
}
