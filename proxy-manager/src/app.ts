/**
 * The proxy-manager's HTTP API (Express 5): `GET /health` (200 when Toxiproxy answers and every proxy
 * exists, else 503 with the reasons) and `GET /status` (proxies, active toxics, the current run and
 * its phase, injection counts, tool health), and `POST /calls` (the agent announces a tool call attempt
 * before sending it; the answer comes once the run's planned faults for it are in place: 400 on a bad
 * announcement). JSON in every answer, errors included, but `GET /metrics` (Prometheus text: metrics.ts).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { METRICS_PATH, metricsHandler, type Logger } from '@chaos-lab/common';
import { parseAnnouncement } from './http/announce-route.js';
import type { Announcement } from './schedule/fault-schedule.js';
import { proxyManagerMetrics } from './metrics.js';
import type { HealthReport, StatusReport } from './http/status-bodies.js';

/** What the routes read. */
export interface AppDeps {
  health(): Promise<HealthReport>;
  status(): Promise<StatusReport>;
  /** A tool call attempt announced by the agent: resolves with the planned faults in place for it (see `schedule/fault-schedule.ts`). */
  announce?(a: Announcement): Promise<string[]>;
  /** The steering routes (`http/steering-route.ts`), when the manager has a database to record them in. */
  readonly steering?: Router;
  readonly logger: Logger;
}

/** Builds the Express app (no listening: see `main.ts`). */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    const report = await deps.health();
    res.status(report.healthy ? 200 : 503).json({ status: report.healthy ? 'ok' : 'unhealthy', ...report });
  });
  app.get('/status', async (_req, res) => {
    res.json(await deps.status());
  });
  proxyManagerMetrics(); // defined before the first scrape, so each family is listed from the start
  app.get(METRICS_PATH, metricsHandler());
  // The agent's announcement of an attempt, answered once its planned faults are in place.
  app.post('/calls', express.json({ limit: 16 * 1024 }), async (req, res) => {
    const parsed = parseAnnouncement(req.body);
    if ('error' in parsed) {
      res.status(400).json({ error: parsed.error });
      return;
    }
    res.json({ faults: deps.announce ? await deps.announce(parsed.announcement) : [] });
  });
  if (deps.steering) app.use(deps.steering);
  app.all(['/health', '/status', METRICS_PATH], (req, res) => {
    res
      .status(405)
      .set('Allow', 'GET, HEAD')
      .json({ error: `method ${req.method} not allowed on ${req.path}: use GET` });
  });
  app.use((req, res) => {
    res.status(404).json({
      error: `no route ${req.method} ${req.path}: try GET /health, GET /status, GET /metrics, POST /calls or GET|POST /steering`,
    });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ err, path: req.path }, 'HTTP handler failed');
    res.status(500).json({ error: (err as Error).message ?? 'internal error' });
  });
  return app;
}
