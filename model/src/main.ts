/**
 * Starting the model server: the app of app.ts on a TCP port (registry port 8100 + `PORT_OFFSET`),
 * with the offline model and the LLM faults the proxy-manager's schedule plans (gateway/planned.ts);
 * and its clean shutdown.
 */
import { createServer } from 'node:http';
import {
  connectHost,
  createLogger,
  formatEndpoint,
  listenOn,
  MODEL_PART,
  recordsServiceRequests,
  serviceRequestRecorder,
  type Logger,
  type Settings,
} from '@chaos-lab/common';
import { createModelApp } from './app.js';
import { plannedLlmFaults } from './gateway/planned.js';
import type { LlmFaultSource } from './gateway/source.js';
import { OfflineChatModel } from './offline/index.js';
import { createUpstream } from './upstream.js';

/** A model server that is listening. */
export interface RunningModelServer {
  readonly port: number;
  /** Its OpenAI-compatible base URL, e.g. `http://127.0.0.1:8100/v1`. */
  readonly baseUrl: string;
  /** Stops it; requests still held (a hang fault) are cut after 1 s. */
  close(): Promise<void>;
}

/**
 * Starts the model server.
 * @param settings `OFFLINE_MODEL_LATENCY_MS`, `MODEL_UPSTREAM_URL` (forward there instead of the offline
 *   model), `LAB_DB_PATH`, `PROXY_MANAGER_URL`, `BIND_HOST`, `PORT_OFFSET`
 * @param options `port` (default 8100 + `PORT_OFFSET`; 0 = a free port), `host` (default `BIND_HOST`),
 *   `logger` (default: `createLogger` named `model`), `faults` (default: the schedule's planned faults), `now`
 *   (the offline model's clock for relative dates, ms since the epoch), `upstreamCaPem` (a CA, PEM, the
 *   upstream's certificate is checked against instead of Node's store: a local server's own CA)
 * @throws {LabError} `PORT_IN_USE` naming the port when it is taken
 */
export async function startModelServer(
  settings: Settings,
  options: {
    port?: number;
    host?: string;
    logger?: Logger;
    faults?: LlmFaultSource;
    now?: () => number;
    upstreamCaPem?: string;
  } = {},
): Promise<RunningModelServer> {
  const logger = options.logger ?? createLogger({ name: 'model', settings });
  const host = options.host ?? settings.BIND_HOST;
  const now = options.now ?? Date.now;
  const app = createModelApp({
    model: () => new OfflineChatModel({ now: () => new Date(now()), latencyMs: settings.OFFLINE_MODEL_LATENCY_MS }),
    faults: options.faults ?? plannedLlmFaults(settings.LAB_DB_PATH, settings.PROXY_MANAGER_URL, logger),
    upstream:
      settings.MODEL_UPSTREAM_URL === undefined
        ? undefined
        : createUpstream(settings.MODEL_UPSTREAM_URL, { caPem: options.upstreamCaPem }),
    requestRecorder: recordsServiceRequests(settings)
      ? serviceRequestRecorder({ dbPath: settings.LAB_DB_PATH, service: 'model', withArguments: false, logger })
      : undefined,
    logger,
  });
  const server = createServer(app);
  const port = await listenOn(
    server,
    options.port ?? MODEL_PART.serverPort + settings.PORT_OFFSET,
    host,
    'model server',
  );
  const baseUrl = `http://${formatEndpoint({ host: connectHost(host), port })}/v1`;
  logger.info(
    { host, port, baseUrl, faultSchedule: settings.PROXY_MANAGER_URL, upstream: settings.MODEL_UPSTREAM_URL ?? null },
    'model server listening',
  );
  let closing: Promise<void> | undefined;
  return {
    port,
    baseUrl,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 1000).unref();
      }).then(() => logger.info({ port }, 'model server closed'));
      return closing;
    },
  };
}
