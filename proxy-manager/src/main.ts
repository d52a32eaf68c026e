/**
 * The proxy-manager's process entry (`chaos-lab proxy-manager`, the `proxy_mgr` container): assembles
 * it (HTTP API, wait for Toxiproxy, reconciliation and crash recovery, the chaos loop and the health
 * monitor), and closes it on SIGTERM/SIGINT, taking it down in the order that leaves no toxic behind.
 */
import { createServer, type Server } from 'node:http';
import {
  connectHost,
  createLogger,
  formatEndpoint,
  listenOn,
  onShutdown,
  openDatabase,
  type Logger,
  type Settings,
} from '@chaos-lab/common';
import { createApp } from './app.js';
import { ChaosLoop } from './chaos/loop.js';
import { FaultSchedule } from './schedule/fault-schedule.js';
import { llmFaultsFromSettings } from './schedule/faults/llm-settings.js';
import { systemClock, type Clock } from './util/clock.js';
import { desiredModelProxy, desiredProxies } from './toxiproxy/desired-proxies.js';
import { createDockerProbe, type DockerProbe } from './health/docker-probe.js';
import { healthCheckTimeoutMs, ToolHealthMonitor } from './health/monitor.js';
import { healthReport, statusReport, type StatusReport } from './http/status-bodies.js';
import { steeringRoutes } from './http/steering-route.js';
import { ToxiproxyGateway } from './toxiproxy/gateway.js';
import { waitForToxiproxy } from './toxiproxy/wait-for-toxiproxy.js';

/** A running proxy-manager. */
export interface ProxyManager {
  /** Its HTTP API, e.g. `http://127.0.0.1:8000`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops the loop, removes its toxics and closes their events, stops the monitor and HTTP, closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startProxyManager}. */
export interface StartOptions {
  /** HTTP port (default `PROXY_MANAGER_PORT`; 0 = a free one). */
  readonly port?: number;
  /** Logger (default: `logs/info.log`, service `proxy-manager`). */
  readonly logger?: Logger;
  /** Clock and timers (default: the system's). */
  readonly clock?: Clock;
  /** The Docker engine to read container states from; null for none (default: detected, see `health/docker-probe.ts`). */
  readonly docker?: DockerProbe | null;
}

/**
 * Starts the proxy-manager: the HTTP API first (so `/health` answers 503 while it waits), then waits
 * for Toxiproxy (`TOXIPROXY_WAIT_MS`), reconciles the seven proxies removing every toxic, closes events
 * an earlier manager left open, and starts the chaos loop and the health monitor.
 * @param settings validated settings (`TOXIPROXY_URL`, `CHAOS_*`, `TOXIC_*`, `LAB_DB_PATH`, …)
 * @returns the running manager
 * @throws {LabError} `NOT_READY` when Toxiproxy never answers, `PORT_IN_USE` when the port is taken,
 *   `DATABASE` when the database cannot be opened
 */
export async function startProxyManager(settings: Settings, options: StartOptions = {}): Promise<ProxyManager> {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger({ name: 'proxy-manager', settings });
  const startedAt = clock.now();
  logger.info(
    {
      seed: settings.CHAOS_SEED,
      seedGiven: settings.seedGiven,
      toxiproxy: settings.TOXIPROXY_URL,
      toxicProb: settings.TOXIC_PROB,
      toxics: settings.TOXICS,
      intervalMs: settings.CHAOS_INTERVAL_MS,
      toxicDurationMs: settings.TOXIC_DURATION_MS,
    },
    'proxy-manager starting',
  );
  const db = openDatabase(settings.LAB_DB_PATH);
  const gateway = new ToxiproxyGateway({
    url: settings.TOXIPROXY_URL,
    timeoutMs: settings.TOXIPROXY_TIMEOUT_MS,
    clock,
    logger,
  });
  const desired =
    settings.MODEL_PROXY === 'on'
      ? [...desiredProxies(settings), desiredModelProxy(settings)]
      : desiredProxies(settings);
  let loop: ChaosLoop | undefined;
  const schedule = new FaultSchedule({ db, gateway, clock, logger, settingsFaults: llmFaultsFromSettings(settings) });
  let monitor: ToolHealthMonitor | undefined;
  let status: StatusReport['status'] = 'starting';

  const app = createApp({
    logger,
    announce: (a) => schedule.announce(a),
    steering: steeringRoutes({ db, settings, clock, logger }),
    health: () => healthReport(gateway, desired),
    status: () =>
      statusReport({
        settings,
        db,
        gateway,
        desired,
        status,
        startedAt,
        chaos: loop?.snapshot(),
        health: monitor?.snapshot(),
      }),
  });
  const server = createServer(app);
  let port: number;
  try {
    port = await listenOn(
      server,
      options.port ?? settings.PROXY_MANAGER_PORT,
      settings.BIND_HOST,
      'proxy-manager',
      'set PROXY_MANAGER_PORT or PORT_OFFSET',
    );
  } catch (err) {
    db.close();
    throw err;
  }
  const url = `http://${formatEndpoint({ host: connectHost(settings.BIND_HOST), port })}`;

  try {
    await waitForToxiproxy(gateway, { waitMs: settings.TOXIPROXY_WAIT_MS, clock, logger });
    loop = new ChaosLoop({ settings, db, gateway, clock, logger, desired, schedule });
    await loop.recover();
  } catch (err) {
    await closeServer(server);
    db.close();
    throw err;
  }
  const chaos = loop;
  monitor = new ToolHealthMonitor({
    settings,
    clock,
    logger,
    runId: () => chaos.currentRunId(),
    docker:
      options.docker === undefined
        ? createDockerProbe({ timeoutMs: healthCheckTimeoutMs(settings.HEALTH_INTERVAL_MS) })
        : (options.docker ?? undefined),
  });
  chaos.start();
  monitor.start();
  status = 'running';
  logger.info({ url, proxies: desired.map((d) => d.name) }, 'proxy-manager running');

  const health = monitor;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= (async () => {
        status = 'closing';
        await chaos.stop();
        await health.stop();
        await closeServer(server);
        db.close();
        logger.info('proxy-manager stopped');
      })();
      return closing;
    },
  };
}

/**
 * Starts the proxy-manager and arranges its shutdown on SIGTERM/SIGINT (exit 0 once its toxics are
 * removed). A start failure (Toxiproxy never answered, port in use) is logged and written to stderr as
 * one line, and sets `process.exitCode` to 1.
 * @param settings from `settings()` (bad values have already stopped the process)
 * @param options as {@link startProxyManager}'s
 * @returns the running manager, or undefined when it could not start
 */
export async function runProxyManager(
  settings: Settings,
  options: StartOptions = {},
): Promise<ProxyManager | undefined> {
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

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
