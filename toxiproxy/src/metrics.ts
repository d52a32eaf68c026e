/**
 * Prometheus metrics (`GET /metrics`, only when enabled), as Toxiproxy 2.12.0 names them:
 * `toxiproxy_proxy_received_bytes_total` and `toxiproxy_proxy_sent_bytes_total`, labelled by
 * direction, proxy, listener and upstream, plus the Node process metrics of prom-client.
 *
 * Links add to plain counters on every chunk (no label lookup on the data path); the Prometheus
 * counters catch up from them when scraped.
 */
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { Direction, LinkCounters } from './link/types.js';

/** The labels of a byte counter. */
export interface ByteCounterLabels {
  direction: Direction;
  proxy: string;
  listener: string;
  upstream: string;
}

interface Tracked {
  labels: ByteCounterLabels;
  counters: LinkCounters;
  reported: LinkCounters;
}

/** Per-proxy byte counters and, when enabled, their Prometheus exposition. */
export class ProxyMetrics {
  private readonly tracked = new Map<string, Tracked>();
  private readonly registry: Registry | undefined;

  /** @param enabled whether `/metrics` exists (Toxiproxy's `-proxy-metrics`/`-runtime-metrics`) */
  constructor(readonly enabled: boolean) {
    if (!enabled) return;
    const registry = new Registry();
    this.registry = registry;
    const labelNames = ['direction', 'proxy', 'listener', 'upstream'] as const;
    const catchUp = (counter: Counter<(typeof labelNames)[number]>, field: keyof LinkCounters): void => {
      for (const t of this.tracked.values()) {
        const delta = t.counters[field] - t.reported[field];
        if (delta > 0) counter.inc({ ...t.labels }, delta);
        t.reported[field] = t.counters[field];
      }
    };
    new Counter({
      name: 'toxiproxy_proxy_received_bytes_total',
      help: 'Bytes read from the source of each proxy link (client for upstream, server for downstream).',
      labelNames,
      registers: [registry],
      collect() {
        catchUp(this, 'received');
      },
    });
    new Counter({
      name: 'toxiproxy_proxy_sent_bytes_total',
      help: 'Bytes written to the destination of each proxy link, after toxics.',
      labelNames,
      registers: [registry],
      collect() {
        catchUp(this, 'sent');
      },
    });
    collectDefaultMetrics({ register: registry });
  }

  /** The counters links of these labels add to (shared by every connection with the same labels). */
  counters(labels: ByteCounterLabels): LinkCounters {
    const key = `${labels.direction}\u0000${labels.proxy}\u0000${labels.listener}\u0000${labels.upstream}`;
    let t = this.tracked.get(key);
    if (!t) {
      t = { labels, counters: { received: 0, sent: 0 }, reported: { received: 0, sent: 0 } };
      this.tracked.set(key, t);
    }
    return t.counters;
  }

  /**
   * The Prometheus text exposition.
   * @throws {Error} when metrics are disabled (the API has no `/metrics` route then)
   */
  async render(): Promise<{ contentType: string; body: string }> {
    if (!this.registry) throw new Error('metrics are disabled');
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
