/**
 * `chaos-lab proxy-manager`: runs the chaos loop against the Toxiproxy at `TOXIPROXY_URL` until
 * SIGTERM/SIGINT, which removes its toxics before exiting.
 */
import { settings } from '@chaos-lab/common';
import { runProxyManager } from '@chaos-lab/proxy-manager';
import type { Command } from 'commander';

/** Registers `chaos-lab proxy-manager`. */
export function registerProxyManagerCommand(program: Command): void {
  program
    .command('proxy-manager')
    .description(
      'run the proxy-manager: one Toxiproxy proxy per tool service, toxics injected while a run is active (TOXIC_PROB, TOXICS, CHAOS_SEED), GET /health and /status on PROXY_MANAGER_PORT',
    )
    .action(async () => {
      await runProxyManager(settings());
    });
}
