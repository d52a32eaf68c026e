/**
 * Prometheus metrics (prom-client): the one registry of a process, the `GET /metrics` handler every
 * part mounts, and a server that answers only `/metrics`, for a part without an HTTP server of its own
 * (the agent).
 *
 * One registry per process, with prom-client's default process metrics (`process_cpu_seconds_total`,
 * `nodejs_eventloop_lag_seconds`, …). It is made at the first use, and each part's metrics are defined
 * in it at theirs ({@link defineMetrics}): the `chaos-lab` command bundles every part, and a process
 * only shows the metrics of the parts it runs. The exposition is Prometheus's text format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/); names follow
 * https://prometheus.io/docs/practices/naming/ (base units, `_total` counters, `_seconds` histograms).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { connectHost, listenOn } from './listen.js';
import { formatEndpoint } from './registry.js';

/** The path every part serves its metrics on. */
export const METRICS_PATH = '/metrics';

/**
 * Buckets for durations of requests in the lab, seconds: from a loopback answer (a few ms) to the
 * longest timeouts (`PROXY_TIMEOUT_MS` 5 s, `FALLBACK_TIMEOUT_MS` 10 s, `MODEL_TIMEOUT_MS` 30 s).
 */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

let registry: Registry | undefined;

/** The process's one registry, made (with the default process metrics) at the first call. */
export function processRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

/**
 * A part's metrics, defined once per process in {@link processRegistry}.
 * @param define makes the metrics with `registers: [registry]` (called at most once)
 * @returns a getter that defines them at its first call and returns the same object afterwards
 */
export function defineMetrics<T>(define: (registry: Registry) => T): () => T {
  let made: T | undefined;
  return () => (made ??= define(processRegistry()));
}

/**
 * The `GET /metrics` handler (plain Node, so Express mounts it too): 200 with the registry's text
 * exposition; 405 with `Allow: GET, HEAD` for any other method; 500 with the message when a collector fails.
 * @param registry the registry to expose (default the process's)
 */
export function metricsHandler(
  registry: Registry = processRegistry(),
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain' })
        .end(`method ${req.method} not allowed on ${METRICS_PATH}: use GET\n`);
      return;
    }
    registry.metrics().then(
      (body) => {
        res.writeHead(200, { 'Content-Type': registry.contentType });
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (err: unknown) => {
        res
          .writeHead(500, { 'Content-Type': 'text/plain' })
          .end(`metrics could not be collected: ${(err as Error).message}\n`);
      },
    );
  };
}

/** A running {@link startMetricsServer}. */
export interface RunningMetricsServer {
  readonly port: number;
  /** Its metrics URL, e.g. `http://127.0.0.1:8300/metrics`. */
  readonly url: string;
  /** Stops it, cutting a scraper's keep-alive connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a server that answers only `GET /metrics` (404 elsewhere).
 * @param options `port` (0 = a free one), `host` to bind, `owner` for the messages (e.g. `agent metrics`),
 *   `hint` what the user can do about a taken port; `registry` (default the process's)
 * @throws {LabError} as `listenOn`: `PORT_IN_USE` naming the port, `SETTINGS_INVALID` naming `BIND_HOST`
 */
export async function startMetricsServer(options: {
  port: number;
  host: string;
  owner: string;
  hint?: string;
  registry?: Registry;
}): Promise<RunningMetricsServer> {
  const serve = metricsHandler(options.registry);
  const server: Server = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname === METRICS_PATH) return serve(req, res);
    res
      .writeHead(404, { 'Content-Type': 'text/plain' })
      .end(`no route ${req.method} ${req.url}: try GET ${METRICS_PATH}\n`);
  });
  const port = await listenOn(server, options.port, options.host, options.owner, options.hint);
  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://${formatEndpoint({ host: connectHost(options.host), port })}${METRICS_PATH}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
