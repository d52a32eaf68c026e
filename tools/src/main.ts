/**
 * Starting tool services: an app from `createApp` on a TCP port, and its clean shutdown.
 */
import { createServer } from 'node:http';
import {
  connectHost,
  createLogger,
  createRandom,
  formatEndpoint,
  getService,
  labServices,
  listenOn,
  recordsServiceRequests,
  serviceRequestRecorder,
  SERVICE_NAMES,
  type Logger,
  type ServiceName,
  type Settings,
} from '@chaos-lab/common';
import { createApp } from './app.js';
import { plannedErrorsFromDatabase } from './server/planned-fault.js';
import { errorProbFromDatabase } from './server/steered-error-prob.js';

/**
 * The line a single tool service prints once it listens, followed by that moment (ms since the epoch):
 * the launcher dates a restarted service's return by it rather than by its next health check.
 */
export const LISTENING_SINCE = 'listening since ';

/** A tool service that is listening. */
export interface RunningToolService {
  readonly name: ServiceName;
  /** The address it is bound to, e.g. `127.0.0.1` or `0.0.0.0`. */
  readonly host: string;
  /** The port it listens on (the real one when port 0 was asked for). */
  readonly port: number;
  /** Where to reach it, e.g. `http://127.0.0.1:5001` (a wildcard bind is reached on loopback). */
  readonly url: string;
  /** When it began to listen, ms since the epoch. */
  readonly listeningSince: number;
  /** Stops accepting connections, lets requests in flight finish, closes idle keep-alive connections. */
  close(): Promise<void>;
}

/**
 * Starts one tool service.
 * @param name the service, e.g. `weather`
 * @param settings validated settings; the seeded source is `createRandom(CHAOS_SEED).fork(name)`
 * @param options `port` (default: the lab file's port, else the registry's, + `PORT_OFFSET`; 0 = a free port), `host`
 *   (default `BIND_HOST`), `logger` (default: `createLogger` to `info.log`, named after the service),
 *   `listenAfter` (called once the service is built, listened only when it resolves: a standby's `go`)
 * @returns the running service
 * @throws {LabError} `PORT_IN_USE` naming the port when it is taken; `INTERNAL` for a broken data file
 *   or another listen error
 */
export async function startToolService(
  name: ServiceName,
  settings: Settings,
  options: { port?: number; host?: string; logger?: Logger; listenAfter?: () => Promise<void> } = {},
): Promise<RunningToolService> {
  // The lab file's port when it declares the service (a user may move it), else the registry's.
  const spec = labServices(settings).find((s) => s.name === name && s.run === 'builtin') ?? getService(name);
  const logger = options.logger ?? createLogger({ name, settings });
  const host = options.host ?? settings.BIND_HOST;
  const app = createApp(name, {
    settings,
    logger,
    random: createRandom(settings.CHAOS_SEED).fork(name),
    plannedErrors: plannedErrorsFromDatabase(settings.LAB_DB_PATH, name, logger),
    requestRecorder: recordsServiceRequests(settings)
      ? serviceRequestRecorder({ dbPath: settings.LAB_DB_PATH, service: name, withArguments: true, logger })
      : undefined,
    managerUrl: settings.PROXY_MANAGER_URL,
    errorProb: errorProbFromDatabase(settings.LAB_DB_PATH, settings.ERROR_PROB, logger),
  });
  const server = createServer(app);
  // A standby (a restart prepared ahead of a planned kill's end) has everything built before its `go`,
  // so `go` to healthy is only the listen.
  await options.listenAfter?.();
  const port = await listenOn(
    server,
    options.port ?? spec.toolPort + settings.PORT_OFFSET,
    host,
    `${name} tool service`,
  );
  const listeningSince = Date.now();
  const url = `http://${formatEndpoint({ host: connectHost(host), port })}`;
  logger.info({ host, port, url, errorProb: settings.ERROR_PROB, seed: settings.CHAOS_SEED }, 'tool service listening');
  let closing: Promise<void> | undefined;
  return {
    name,
    host,
    port,
    url,
    listeningSince,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }).then(() => logger.info({ port }, 'tool service closed'));
      return closing;
    },
  };
}

/**
 * Starts all seven tool services. If one cannot start, those already started are closed and the
 * error is rethrown.
 * @param settings validated settings
 * @param options `host` for all (default `BIND_HOST`); `ports` per service (default registry port +
 *   `PORT_OFFSET`; 0 = a free port)
 * @returns the running services, in registry order
 * @throws {LabError} as {@link startToolService}
 */
export async function startAllTools(
  settings: Settings,
  options: { host?: string; ports?: Partial<Record<ServiceName, number>> } = {},
): Promise<RunningToolService[]> {
  const started: RunningToolService[] = [];
  try {
    for (const name of SERVICE_NAMES) {
      started.push(await startToolService(name, settings, { host: options.host, port: options.ports?.[name] }));
    }
    return started;
  } catch (err) {
    await Promise.allSettled(started.map((service) => service.close()));
    throw err;
  }
}
