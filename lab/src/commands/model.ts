/**
 * `chaos-lab model`: runs the lab's model server (an OpenAI-compatible API around the deterministic
 * offline model, with the LLM fault gateway) until SIGTERM/SIGINT. Address from settings: `BIND_HOST`,
 * port 8100 + `PORT_OFFSET`; LLM faults as the proxy-manager's schedule plans them (`LLM_FAULT_*` among them).
 */
import { createLogger, isLabError, onShutdown, settings } from '@chaos-lab/common';
import { startModelServer, type RunningModelServer } from '@chaos-lab/model';
import type { Command } from 'commander';

/** Registers `chaos-lab model`. */
export function registerModelCommand(program: Command): void {
  program
    .command('model')
    .description(
      'run the offline model server (OpenAI-compatible /v1/chat/completions) with its LLM fault gateway, until Ctrl-C',
    )
    .action(async () => {
      const s = settings();
      const logger = createLogger({ name: 'model', settings: s });
      let server: RunningModelServer;
      try {
        server = await startModelServer(s, { logger });
      } catch (err) {
        // A taken port is the user's to fix: one line, no stack.
        if (!isLabError(err)) throw err;
        process.stderr.write(`chaos-lab: ${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      const faults = `LLM faults planned by the proxy-manager at ${s.PROXY_MANAGER_URL}`;
      // Handler first, then the line a launcher waits for (see tools.ts).
      onShutdown(() => server.close(), { logger });
      process.stdout.write(`model server ${server.baseUrl} (offline model, ${faults}); Ctrl-C to stop\n`);
    });
}
