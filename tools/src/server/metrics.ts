/**
 * A tool service's Prometheus metrics, served on its own port at `GET /metrics` (docs/metrics-and-dashboard.md):
 *
 *   chaos_lab_tool_requests_total{service, status, fault}             counter    requests served
 *   chaos_lab_tool_request_duration_seconds{service, status, fault}   histogram  time to answer them
 *
 * `status` is the HTTP status sent, or `client_closed` when the client went away before the answer was
 * written whole (its proxy's toxic cut it, its deadline passed). `fault` says whether the answer was a
 * deliberate failure: `simulated` (an `ERROR_PROB` 503), `planned` (the proxy-manager's `http_error`
 * fault), or `none`. Health checks and scrapes are not counted: they are not the service's work.
 *
 * The metrics live in the process registry: a process running several services (`chaos-lab tools`)
 * answers the same metrics on each service's port, told apart by `service`.
 */
import type { RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import { defineMetrics, DURATION_BUCKETS_SECONDS } from '@chaos-lab/common';
import { SIMULATED_FAILURE } from './simulated-failure.js';

const LABELS = ['service', 'status', 'fault'] as const;

/** The tool services' metrics in the process registry (defined at the first call). */
export const toolMetrics = defineMetrics((registry) => ({
  requests: new Counter({
    name: 'chaos_lab_tool_requests_total',
    help: 'Requests a tool service answered (health checks and scrapes aside), by service, HTTP status (client_closed: the client left first) and fault (simulated: ERROR_PROB; planned: the fault plan; none).',
    labelNames: LABELS,
    registers: [registry],
  }),
  duration: new Histogram({
    name: 'chaos_lab_tool_request_duration_seconds',
    help: "Time from a request's arrival at a tool service to its answer (or the client leaving), seconds.",
    labelNames: LABELS,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [registry],
  }),
}));

/**
 * Counts each request when its connection is done with it.
 * @param service the service's name, e.g. `weather`
 * @param spared paths not counted (the health check, the metrics themselves)
 */
export function countRequests(service: string, spared: readonly string[]): RequestHandler {
  const m = toolMetrics();
  return (req, res, next) => {
    if (spared.includes(req.path)) return next();
    const end = m.duration.startTimer();
    res.once('close', () => {
      const fault = res.locals[SIMULATED_FAILURE]
        ? 'simulated'
        : res.locals.plannedFault !== undefined
          ? 'planned'
          : 'none';
      const labels = { service, status: res.writableFinished ? String(res.statusCode) : 'client_closed', fault };
      m.requests.inc(labels);
      end(labels);
    });
    next();
  };
}
