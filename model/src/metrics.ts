/**
 * The model server's Prometheus metrics, served on its port at `GET /metrics` (docs/metrics-and-dashboard.md):
 *
 *   chaos_lab_model_server_requests_total{status, fault}             counter    model requests answered (chat completions and Anthropic messages)
 *   chaos_lab_model_server_request_duration_seconds{status, fault}   histogram  time to answer them
 *
 * `status` is the HTTP status sent, or `client_closed` when the client went away before the answer was
 * written whole (a `hang` fault, a cut stream, its timeout). `fault` is the LLM fault the gateway
 * injected (the `X-Chaos-Fault` it sent, e.g. `rate_limit`), or `none`.
 */
import type { RequestHandler } from 'express';
import { Counter, Histogram } from 'prom-client';
import { defineMetrics, DURATION_BUCKETS_SECONDS } from '@chaos-lab/common';

const LABELS = ['status', 'fault'] as const;

/** The model server's metrics in the process registry (defined at the first call). */
export const modelServerMetrics = defineMetrics((registry) => ({
  requests: new Counter({
    name: 'chaos_lab_model_server_requests_total',
    help: 'Model requests (chat completions and Anthropic messages) the model server answered, by HTTP status (client_closed: the client left first) and the LLM fault injected (none: no fault).',
    labelNames: LABELS,
    registers: [registry],
  }),
  duration: new Histogram({
    name: 'chaos_lab_model_server_request_duration_seconds',
    help: "Time from a model request's arrival to the end of its answer (or the client leaving), seconds.",
    labelNames: LABELS,
    buckets: [...DURATION_BUCKETS_SECONDS],
    registers: [registry],
  }),
}));

/**
 * Counts each request of the route it is mounted on when its connection is done with it.
 * @param faultHeader the response header that names the injected fault
 */
export function countCompletions(faultHeader: string): RequestHandler {
  const m = modelServerMetrics();
  return (_req, res, next) => {
    const end = m.duration.startTimer();
    res.once('close', () => {
      const fault = res.getHeader(faultHeader);
      const labels = {
        status: res.writableFinished ? String(res.statusCode) : 'client_closed',
        fault: fault === undefined ? 'none' : String(fault),
      };
      m.requests.inc(labels);
      end(labels);
    });
    next();
  };
}
