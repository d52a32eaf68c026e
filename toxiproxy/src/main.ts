/**
 * Starting and stopping a Toxiproxy-compatible server: the REST API on one address, the proxies it
 * manages, an optional config file populated at start (Toxiproxy's `-config`).
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRandom, freshSeed, TOXIPROXY_API_PORT, type Logger } from '@chaos-lab/common';
import { createToxiproxyApi } from './api/app.js';
import { parseBody, populateInput } from './api/inputs.js';
import { systemClock, type Clock } from './clock.js';
import { ProxyMetrics } from './metrics.js';
import { formatAddress } from './proxy/address.js';
import { ProxyCollection } from './proxy/collection.js';

/** Options of {@link startToxiproxyServer}. */
export interface ToxiproxyServerOptions {
  /** Address the API binds (default `127.0.0.1`). */
  host?: string;
  /** API port (default `TOXIPROXY_API_PORT`, 8474); 0 picks a free one. */
  port?: number;
  /** Path of a JSON file holding the array `/populate` takes; applied at start. */
  config?: string;
  /** Seed of every random choice (toxicity rolls, jitter, slice sizes); default a fresh one. */
  seed?: number;
  /** Serve Prometheus metrics at `/metrics`. */
  metrics?: boolean;
  /** Where to log (default: nowhere). */
  logger?: Logger;
  /** The data path's clock (default: the system clock). */
  clock?: Clock;
}

/** A running server. */
export interface ToxiproxyServer {
  /** `http://host:port` of the API. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The seed in force. */
  readonly seed: number;
  /** Closes the API, every proxy listener and every connection. */
  close(): Promise<void>;
}

/** A logger that drops everything, for servers started without one. */
function silentLogger(): Logger {
  const silent = {
    level: 'silent',
    trace() {},
    debug() {},
    info() {},
    warn() {},
    error() {},
    fatal() {},
    child: () => silent,
  };
  return silent as unknown as Logger;
}

function listenHttp(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

/**
 * Starts a Toxiproxy 2.12.0-compatible server.
 * @param options see {@link ToxiproxyServerOptions}
 * @returns the running server once the config file (if any) is applied and the API listens; a config
 *   file that cannot be read or applied is logged and skipped, as Toxiproxy does
 * @throws the listen error (e.g. `EADDRINUSE`, with `.code`) when the API address is taken
 */
export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? freshSeed();
  const logger = options.logger ?? silentLogger();
  const metrics = new ProxyMetrics(options.metrics ?? false);
  const proxies = new ProxyCollection({
    clock: options.clock ?? systemClock,
    random: createRandom(seed),
    logger,
    metrics,
  });
  const http = createServer(createToxiproxyApi({ proxies, metrics, logger }));
  // Go's API server keeps idle connections for 60 s and gives a request 15 s to arrive.
  http.keepAliveTimeout = 60_000;
  http.requestTimeout = 15_000;
  // As in Toxiproxy, the config is applied before the API starts serving.
  if (options.config) await populateFromFile(options.config, proxies, logger);
  try {
    await listenHttp(http, host, options.port ?? TOXIPROXY_API_PORT);
  } catch (err) {
    await proxies.stopAll();
    throw err;
  }
  const address = http.address();
  const port = address && typeof address === 'object' ? address.port : (options.port ?? TOXIPROXY_API_PORT);
  logger.info({ address: formatAddress(host, port), seed, metrics: metrics.enabled }, 'started Toxiproxy API server');

  let closing: Promise<void> | undefined;
  return {
    url: `http://${formatAddress(host, port)}`,
    host,
    port,
    seed,
    close() {
      closing ??= (async () => {
        const closed = new Promise<void>((resolve) => http.close(() => resolve()));
        http.closeAllConnections();
        await proxies.stopAll();
        await closed;
        logger.info('stopped Toxiproxy API server');
      })();
      return closing;
    },
  };
}

/** Applies a config file as `/populate` would; problems are logged, never fatal. */
async function populateFromFile(path: string, proxies: ProxyCollection, logger: Logger): Promise<void> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    logger.error({ config: path, err: (err as Error).message }, 'error reading config file');
    return;
  }
  try {
    const inputs = populateInput(parseBody(text));
    for (const input of inputs) await proxies.addOrReplace(input);
    logger.info({ config: path, proxies: inputs.length }, 'populated proxies from file');
  } catch (err) {
    logger.error({ config: path, err: (err as Error).message }, 'failed to populate proxies from file');
  }
}
