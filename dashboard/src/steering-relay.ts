/**
 * The page's steering buttons reach the proxy-manager's `/steering` API (proxy-manager/src/http/
 * steering-route.ts) through the dashboard's own server: the page talks to one origin only, and the
 * manager, which validates and records every change, stays the one place that decides. A request the
 * page could not have made (another site's) is refused here first (common/src/same-origin.ts).
 */
import type { Request, Response } from 'express';
import { crossSiteRefusal } from '@chaos-lab/common';

/** How long the manager may take to answer, ms. */
export const RELAY_TIMEOUT_MS = 5000;

/**
 * Relays a request to the manager and its answer (status and JSON body) back.
 * @param managerUrl the proxy-manager's base URL, e.g. `http://127.0.0.1:8000`
 * @param path the manager's path, `/steering` or `/steering/abort`
 * @returns the Express handler: 403 cross-site, 502 when the manager does not answer
 */
export function relayToManager(managerUrl: string, path: string) {
  return async (req: Request, res: Response): Promise<void> => {
    const post = req.method === 'POST';
    if (post) {
      const refusal = crossSiteRefusal(req.headers);
      if (refusal) {
        res.status(403).json({ error: refusal });
        return;
      }
    }
    try {
      const answer = await fetch(new URL(path, managerUrl), {
        method: req.method,
        headers: post ? { 'content-type': 'application/json' } : {},
        // Changes from the page are recorded as the dashboard's.
        body: post ? JSON.stringify({ ...(isObject(req.body) ? req.body : {}), source: 'dashboard' }) : undefined,
        signal: AbortSignal.timeout(RELAY_TIMEOUT_MS),
      });
      res
        .status(answer.status)
        .type('application/json')
        .send(await answer.text());
    } catch (err) {
      res.status(502).json({
        error: `the proxy-manager at ${managerUrl} does not answer (${(err as Error).message}): steering needs a running lab`,
      });
    }
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
