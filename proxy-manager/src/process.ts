/**
 * The proxy-manager as a process (`chaos-lab proxy-manager`, the `proxy_mgr` container): starts it and
 * closes it on SIGTERM/SIGINT, so a stopped manager leaves no toxic behind (DESIGN.md step 4).
 */
import { createLogger, onShutdown, type Settings } from '@chaos-lab/common';
import { startProxyManager, type ProxyManager, type StartOptions } from './main.js';

/**
 * Starts the proxy-manager and arranges its shutdown on SIGTERM/SIGINT (exit 0 once its toxics are
 * removed). A start failure (Toxiproxy never answered, port in use) is logged and written to stderr as
 * one line, and sets `process.exitCode` to 1.
 * @param settings from `settings()` (bad values have already stopped the process)
 * @param options as {@link startProxyManager}'s
 * @returns the running manager, or undefined when it could not start
 */
export async function runProxyManager(settings: Settings, options: StartOptions = {}): Promise<ProxyManager | undefined> {
  const logger = options.logger ?? createLogger({ name: 'proxy-manager', settings });
  let manager: ProxyManager;
  try {
    manager = await startProxyManager(settings, { ...options, logger });
  } catch (err) {
    logger.error({ err }, 'proxy-manager could not start');
    process.stderr.write(`chaos-lab proxy-manager: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return undefined;
  }
  onShutdown(() => manager.close(), { logger });
  return manager;
}
