/**
 * The dashboard's HTTP API and page (Express 5):
 *
 *   GET  /health                           200 { status: "ok" } (compose's health check)
 *   GET  /                                 the page (bundled at build time into dist/web: scripts/bundle-dashboard.js)
 *   GET  /api/runs                         { runs, experiments } (history.ts)
 *   GET  /api/runs/:runId                  the run page (RunView)
 *   GET  /api/runs/:runId/prompts/:index   one prompt's drill-down (PromptDetail)
 *   GET  /api/live                         server-sent events: the current run's page as it changes (live-feed.ts)
 *   GET  /api/steering                     the manager's steering state
 *   POST /api/steering, /api/steering/abort  relayed to the proxy-manager (steering-relay.ts)
 *
 * JSON in every answer, errors included: 400 for a bad prompt index, 404 for an unknown run, 403 for
 * a cross-site change, 502 when the manager does not answer.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { isLabError, type Database, type Logger } from '@chaos-lab/common';
import { promptDetail, runView } from '@chaos-lab/report';
import { listExperiments, listRuns } from './history.js';
import type { LiveFeed } from './live-feed.js';
import { relayToManager } from './steering-relay.js';

/** What the routes need. */
export interface DashboardAppDeps {
  readonly db: Database;
  readonly feed: LiveFeed;
  /** The proxy-manager's base URL (steering). */
  readonly managerUrl: string;
  /** The folder of the built page (index.html, app.js). */
  readonly webDir: string;
  readonly logger: Logger;
}

/**
 * Headers of every answer: the page loads nothing from elsewhere and is never framed.
 * `'unsafe-eval'`: Vega compiles its expressions with `Function` (https://vega.github.io/vega/usage/interpreter/).
 */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Builds the Express app (no listening: see `main.ts`). */
export function createDashboardApp(deps: DashboardAppDeps): express.Express {
  const { db } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    res.set(SECURITY_HEADERS);
    next();
  });
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/api/runs', (_req, res) => {
    res.json({ runs: listRuns(db), experiments: listExperiments(db) });
  });
  app.get('/api/runs/:runId', (req, res) => {
    res.json(runView(db, req.params.runId));
  });
  app.get('/api/runs/:runId/prompts/:index', (req, res) => {
    const index = Number(req.params.index);
    if (!Number.isInteger(index) || index < 0) {
      res.status(400).json({ error: `prompt index "${req.params.index}": must be an integer from 0` });
      return;
    }
    const detail = promptDetail(db, req.params.runId, index);
    if (!detail) res.status(404).json({ error: `run ${req.params.runId} has no result for prompt ${index} (yet)` });
    else res.json(detail);
  });
  app.get('/api/live', (_req, res) => deps.feed.add(res));
  app.get('/api/steering', relayToManager(deps.managerUrl, '/steering'));
  app.post('/api/steering', express.json({ limit: 4096 }), relayToManager(deps.managerUrl, '/steering'));
  app.post('/api/steering/abort', express.json({ limit: 1024 }), relayToManager(deps.managerUrl, '/steering/abort'));
  app.use('/api', (req, res) => {
    res.status(404).json({ error: `no route ${req.method} /api${req.path}` });
  });
  app.use(express.static(deps.webDir, { index: 'index.html', maxAge: 0 }));
  app.use((req, res) => {
    res.status(404).json({ error: `no route ${req.method} ${req.path}: the page is at /` });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (isLabError(err)) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'body: not valid JSON' });
      return;
    }
    deps.logger.error({ err, path: req.path }, 'dashboard handler failed');
    res.status(500).json({ error: (err as Error).message ?? 'internal error' });
  });
  return app;
}
