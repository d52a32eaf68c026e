/**
 * Simulated server errors (`ERROR_PROB`): each request, except `GET /health`, fails with a 503
 * `{ error, simulated: true }` with that probability, drawn from the service's seeded random source so
 * a run's failures replay from `CHAOS_SEED`. Health checks are spared: they decide readiness, and a
 * service that answers its health check is up even when it fails the work it is given.
 *
 * A simulated 503 is marked twice, so a client can tell it from a real one without parsing anything
 * it does not trust: the response header `X-Chaos-Fault: simulated` and the body field
 * `"simulated": true` (the agent records `tool_calls.simulated = 1` for it). Real errors carry neither.
 */
import type { RequestHandler } from 'express';
import type { Random } from '@chaos-lab/common';

/** `res.locals` key set on a simulated failure, so the access log can tell it from a real one. */
export const SIMULATED_FAILURE = 'simulatedFailure';

/** The response header that marks a deliberate fault, and its value for a simulated 503. */
export const FAULT_HEADER = 'X-Chaos-Fault';
export const SIMULATED_FAULT = 'simulated';

/**
 * @param errorProb probability in [0, 1] that a request fails (0 never, 1 always), or a source read
 *   at each request (ERROR_PROB steered while a run goes: steered-error-prob.ts)
 * @param random the stream the draws come from (one draw per request)
 * @param healthPath the path that is never failed
 */
export function simulatedFailure(
  errorProb: number | (() => number),
  random: Random,
  healthPath: string,
): RequestHandler {
  const current = typeof errorProb === 'number' ? () => errorProb : errorProb;
  return (req, res, next) => {
    if (req.path === healthPath) {
      next();
      return;
    }
    const prob = current();
    if (!random.chance(prob)) {
      next();
      return;
    }
    res.locals[SIMULATED_FAILURE] = true;
    res.setHeader(FAULT_HEADER, SIMULATED_FAULT);
    res.status(503).json({ error: `simulated server error (ERROR_PROB=${prob})`, simulated: true });
  };
}
