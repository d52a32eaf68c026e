/**
 * The proxy-manager's HTTP API (Express 5): `GET /health` (200 when Toxiproxy answers and every proxy
 * exists, else 503 with the reasons) and `GET /status` (proxies, active toxics, the current run and
 * its phase, injection counts, tool health). JSON in every answer, errors included.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '@chaos-lab/common';
import type { HealthReport, StatusReport } from './reports.js';

/** What the routes read. */
export interface AppDeps {
  health(): Promise<HealthReport>;
  status(): Promise<StatusReport>;
  readonly logger: Logger;
}

/** Builds the Express app (no listening: see `manager.ts`). */
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
  app.all(['/health', '/status'], (req, res) => {
    res.status(405).set('Allow', 'GET, HEAD').json({ error: `method ${req.method} not allowed on ${req.path}: use GET` });
  });
  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}: try GET /health or GET /status` });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    deps.logger.error({ err, path: req.path }, 'HTTP handler failed');
    res.status(500).json({ error: (err as Error).message ?? 'internal error' });
  });
  return app;
}
