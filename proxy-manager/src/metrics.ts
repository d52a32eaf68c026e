/**
 * The proxy-manager's Prometheus metrics, served on its API port at `GET /metrics` (see
 * docs/metrics-and-dashboard.md):
 *
 *   chaos_lab_toxics_injected_total{proxy, type, origin}  counter  toxics put in place
 *   chaos_lab_toxics_active{proxy, type}                   gauge    toxics in place now
 *
 * `origin` is `chaos_loop` (the random draws of `TOXIC_PROB`/`MODEL_TOXIC_PROB`) or `fault_plan` (a
 * run's planned `toxic` fault). Both move where the toxic's `fault_events` row is opened and closed, so
 * they count what the record holds: a toxic is active from its injection until its event is closed
 * (removed, vanished from Toxiproxy, rolled back).
 */
import { Counter, Gauge } from 'prom-client';
import { defineMetrics } from '@chaos-lab/common';
import type { EventShape } from './schedule/faults/fault-kind.js';

/** Where a toxic came from. */
export type ToxicOrigin = 'chaos_loop' | 'fault_plan';

/** A toxic, as the metrics label it. */
export interface ToxicLabels {
  /** e.g. `weather_proxy`. */
  readonly proxy: string;
  /** The Toxiproxy toxic type, e.g. `timeout`. */
  readonly type: string;
}

/** The proxy-manager's metrics in the process registry (defined at the first call). */
export const proxyManagerMetrics = defineMetrics((registry) => ({
  toxicsInjected: new Counter({
    name: 'chaos_lab_toxics_injected_total',
    help: 'Toxics the proxy-manager put in place, by proxy, toxic type and origin (chaos_loop: TOXIC_PROB draws; fault_plan: a planned toxic fault).',
    labelNames: ['proxy', 'type', 'origin'] as const,
    registers: [registry],
  }),
  toxicsActive: new Gauge({
    name: 'chaos_lab_toxics_active',
    help: 'Toxics in place now (their fault_events row open), by proxy and toxic type.',
    labelNames: ['proxy', 'type'] as const,
    registers: [registry],
  }),
}));

/** A toxic was injected and its event opened. */
export function toxicStarted(toxic: ToxicLabels, origin: ToxicOrigin): void {
  const m = proxyManagerMetrics();
  m.toxicsInjected.inc({ proxy: toxic.proxy, type: toxic.type, origin });
  m.toxicsActive.inc({ proxy: toxic.proxy, type: toxic.type });
}

/** A toxic's event was closed: it is no longer in place. */
export function toxicEnded(toxic: ToxicLabels): void {
  proxyManagerMetrics().toxicsActive.dec({ proxy: toxic.proxy, type: toxic.type });
}

/**
 * A planned fault fired (`started`) or ended: counted when it is a toxic, on its target's proxy.
 * @param shape the fault's event shape (its kind and toxic type)
 * @param proxy the target's proxy, e.g. `calendar_proxy`
 */
export function plannedFaultMoved(shape: EventShape, proxy: string, moved: 'started' | 'ended'): void {
  if (shape.kind !== 'toxic') return;
  if (moved === 'started') toxicStarted({ proxy, type: shape.type }, 'fault_plan');
  else toxicEnded({ proxy, type: shape.type });
}
