/**
 * The dashboard's entry (`startDashboard`, run by `chaos-lab dashboard` and beside `chaos-lab up`):
 * starts its database handle, live feed and HTTP server on `BIND_HOST` (127.0.0.1 by
 * default: the page steers the lab, so it is never reachable from another machine unless asked).
 */
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  connectHost,
  formatEndpoint,
  LabError,
  listenOn,
  openDatabase,
  type Logger,
  type Settings,
} from '@chaos-lab/common';
import { createDashboardApp } from './app.js';
import { LiveFeed } from './live-feed.js';

/** Default port of the dashboard (before `PORT_OFFSET`). */
export const DASHBOARD_DEFAULT_PORT = 8200;

/** How often the live feed reads the record, ms: the most a new row waits before the page is told. */
export const LIVE_POLL_MS = 200;

/** The folder of the built page: `dashboard/dist/web` (scripts/bundle-dashboard.js writes it). */
export const WEB_DIR = fileURLToPath(new URL('../dist/web/', import.meta.url));

/** The port the dashboard listens on: `DASHBOARD_PORT`, else 8200 + `PORT_OFFSET`. */
export function dashboardPort(settings: Pick<Settings, 'DASHBOARD_PORT' | 'PORT_OFFSET'>): number {
  return settings.DASHBOARD_PORT ?? DASHBOARD_DEFAULT_PORT + settings.PORT_OFFSET;
}

/** Options of {@link startDashboard}. */
export interface DashboardOptions {
  readonly settings: Pick<
    Settings,
    'DASHBOARD_PORT' | 'PORT_OFFSET' | 'BIND_HOST' | 'LAB_DB_PATH' | 'PROXY_MANAGER_URL'
  >;
  readonly logger: Logger;
  /** Port (default {@link dashboardPort}; 0 = a free one). */
  readonly port?: number;
  /** Live feed period, ms (default {@link LIVE_POLL_MS}). */
  readonly pollMs?: number;
}

/** A running dashboard. */
export interface Dashboard {
  /** e.g. `http://127.0.0.1:8200/`. */
  readonly url: string;
  readonly port: number;
  /** Ends the live streams, stops listening, closes the database. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the dashboard.
 * @throws {LabError} `INTERNAL` when the page was never built (run `npm run build`), `PORT_IN_USE`
 *   when the port is taken, `DATABASE` when the database cannot be opened
 */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { settings, logger } = options;
  if (!existsSync(`${WEB_DIR}index.html`))
    throw new LabError(
      'INTERNAL',
      `the dashboard page is not built (${WEB_DIR}index.html is missing): run npm run build`,
    );
  const db = openDatabase(settings.LAB_DB_PATH);
  const feed = new LiveFeed({ db, logger, pollMs: options.pollMs ?? LIVE_POLL_MS });
  const app = createDashboardApp({ db, feed, managerUrl: settings.PROXY_MANAGER_URL, webDir: WEB_DIR, logger });
  const server = createServer(app);
  let port: number;
  try {
    port = await listenOn(
      server,
      options.port ?? dashboardPort(settings),
      settings.BIND_HOST,
      'dashboard',
      'set DASHBOARD_PORT or PORT_OFFSET',
    );
  } catch (err) {
    db.close();
    throw err;
  }
  const url = `http://${formatEndpoint({ host: connectHost(settings.BIND_HOST), port })}/`;
  logger.info({ url }, 'dashboard listening');
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        feed.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }).then(() => {
        db.close();
      });
      return closing;
    },
  };
}
