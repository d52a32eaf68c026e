/**
 * Simulated server errors (`ERROR_PROB`): each request, except `GET /health`, fails with a 503
 * `{ error, simulated: true }` with that probability, drawn from the service's seeded random source so
 * a run's failures replay from `CHAOS_SEED`. Health checks are spared: they decide readiness, and a
 * service that answers its health check is up even when it fails the work it is given.
 */
import type { RequestHandler } from 'express';
import type { Random } from '@chaos-lab/common';

/** `res.locals` key set on a simulated failure, so the access log can tell it from a real one. */
export const SIMULATED_FAILURE = 'simulatedFailure';

/**
 * @param errorProb probability in [0, 1] that a request fails (0 never, 1 always)
 * @param random the stream the draws come from (one draw per request)
 * @param healthPath the path that is never failed
 */
export function simulatedFailure(errorProb: number, random: Random, healthPath: string): RequestHandler {
  return (req, res, next) => {
    if (req.path === healthPath || !random.chance(errorProb)) {
      next();
      return;
    }
    res.locals[SIMULATED_FAILURE] = true;
    res.status(503).json({ error: `simulated server error (ERROR_PROB=${errorProb})`, simulated: true });
  };
}
