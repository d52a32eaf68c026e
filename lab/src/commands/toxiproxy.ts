/**
 * `chaos-lab toxiproxy [--host H] [--port N] [--config FILE] [--seed N] [--metrics]`: runs the
 * project's Toxiproxy 2.12.0-compatible server until SIGTERM/SIGINT, which closes its API, every proxy
 * listener and every connection. Defaults come from settings: `BIND_HOST`, `TOXIPROXY_API_PORT` +
 * `PORT_OFFSET`, `CHAOS_SEED`.
 */
import { createLogger, onShutdown, settings, TOXIPROXY_API_PORT } from '@chaos-lab/common';
import { startToxiproxyServer, TOXIPROXY_VERSION, type ToxiproxyServer } from '@chaos-lab/toxiproxy';
import { InvalidArgumentError, type Command } from 'commander';

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new InvalidArgumentError('must be an integer from 0 to 65535 (0 = any free port)');
  return port;
}

function parseSeed(value: string): number {
  const seed = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
  if (!(seed >= 0 && seed <= 0xffffffff)) throw new InvalidArgumentError('must be an integer from 0 to 4294967295');
  return seed;
}

/** Registers `chaos-lab toxiproxy`. */
export function registerToxiproxyCommand(program: Command): void {
  program
    .command('toxiproxy')
    .description('run the Toxiproxy 2.12.0-compatible server (REST API and proxies with toxics), until Ctrl-C')
    .option('--host <host>', 'address the API binds (default: BIND_HOST)')
    .option('--port <port>', 'API port (default: 8474 + PORT_OFFSET; 0 = any free port)', parsePort)
    .option('--config <file>', 'JSON file with the array of proxies /populate takes, applied at start')
    .option('--seed <n>', 'seed of toxicity rolls, jitter and slice sizes (default: CHAOS_SEED)', parseSeed)
    .option('--metrics', 'serve Prometheus metrics at /metrics')
    .action(async (opts: { host?: string; port?: number; config?: string; seed?: number; metrics?: boolean }) => {
      const s = settings();
      const logger = createLogger({ name: 'toxiproxy', settings: s });
      const host = opts.host ?? s.BIND_HOST;
      const port = opts.port ?? TOXIPROXY_API_PORT + s.PORT_OFFSET;
      let server: ToxiproxyServer;
      try {
        server = await startToxiproxyServer({
          host,
          port,
          config: opts.config,
          seed: opts.seed ?? s.CHAOS_SEED,
          metrics: opts.metrics ?? false,
          logger,
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const why = code === 'EADDRINUSE' ? 'address already in use' : (err as Error).message;
        program.error(`chaos-lab toxiproxy: cannot listen on ${host}:${port}: ${why}`, { exitCode: 1 });
      }
      // Handler first, then the line a launcher waits for (see tools.ts).
      onShutdown(() => server.close(), { logger });
      process.stdout.write(
        `toxiproxy API ${server.url} (version ${TOXIPROXY_VERSION}, seed ${server.seed}${opts.metrics ? ', metrics at /metrics' : ''}); Ctrl-C to stop\n`,
      );
    });
}
