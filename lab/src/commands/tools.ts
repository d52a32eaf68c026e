/**
 * `chaos-lab tool <name>` (one tool service) and `chaos-lab tools` (all seven), each running until
 * Ctrl-C or SIGTERM, when the services stop accepting connections and finish the requests in flight.
 */
import { createLogger, isLabError, onShutdown, SERVICE_NAMES, settings, type ServiceName } from '@chaos-lab/common';
import { LISTENING_SINCE, startAllTools, startToolService, type RunningToolService } from '@chaos-lab/tools';
import { InvalidArgumentError, type Command } from 'commander';
import { goSignal } from './go-signal.js';

function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new InvalidArgumentError('must be an integer from 0 to 65535 (0 = any free port)');
  return port;
}

function isServiceName(name: string): name is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(name);
}

/** Starts `start`, prints where the services listen, and closes them on the first signal. */
async function serve(start: () => Promise<RunningToolService[]>): Promise<void> {
  const s = settings();
  const logger = createLogger({ name: 'tools', settings: s });
  let running: RunningToolService[];
  try {
    running = await start();
  } catch (err) {
    // A taken port or a broken data file is the user's to fix: one line, no stack, no usage text.
    if (!isLabError(err)) throw err;
    process.stderr.write(`chaos-lab: ${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  // The shutdown handler goes in before the line that says the services are up: a launcher that reads
  // it may send SIGTERM at once, and a signal with no handler kills the process without closing.
  onShutdown(
    async () => {
      await Promise.all(running.map((service) => service.close()));
    },
    { logger },
  );
  for (const service of running) process.stdout.write(`${service.name.padEnd(10)} ${service.url}\n`);
  if (running.length === 1) process.stdout.write(`${LISTENING_SINCE}${running[0]!.listeningSince}\n`);
  process.stdout.write(`seed ${s.CHAOS_SEED}, ERROR_PROB ${s.ERROR_PROB}; Ctrl-C to stop\n`);
}

/** Registers `chaos-lab tool <name>` and `chaos-lab tools`. */
export function registerToolCommands(program: Command): void {
  program
    .command('tool')
    .description(`run one tool service: ${SERVICE_NAMES.join(', ')}`)
    .argument('<name>', 'the service')
    .option(
      '--port <port>',
      'port to listen on (default: its registry port + PORT_OFFSET; 0 = any free port)',
      parsePort,
    )
    .option('--host <host>', 'address to bind (default: BIND_HOST)')
    .option(
      '--wait-for-go',
      'listen only after a line "go" on standard input (a restart the launcher prepares ahead of a planned kill\'s end)',
    )
    .action(async (name: string, opts: { port?: number; host?: string; waitForGo?: boolean }, command: Command) => {
      if (!isServiceName(name)) {
        command.error(`chaos-lab: unknown tool service "${name}": expected one of ${SERVICE_NAMES.join(', ')}`, {
          exitCode: 2,
        });
      }
      const listenAfter = opts.waitForGo
        ? () => {
            process.stdout.write(`${name} loaded, waiting for "go"\n`);
            return goSignal();
          }
        : undefined;
      await serve(async () => [
        await startToolService(name, settings(), { port: opts.port, host: opts.host, listenAfter }),
      ]);
    });

  program
    .command('tools')
    .description('run all seven tool services on their registry ports, until Ctrl-C')
    .option('--host <host>', 'address to bind (default: BIND_HOST)')
    .action(async (opts: { host?: string }) => {
      await serve(() => startAllTools(settings(), { host: opts.host }));
    });
}
