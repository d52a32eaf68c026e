/**
 * Test support for metrics (through `@chaos-lab/common/testing`): scrape a part's `GET /metrics` over
 * HTTP and read it with a real parser of the text format (parse-prometheus-text-format), and read a
 * histogram's observation count from the process's prom-client registry.
 *
 * Why histograms are read from the registry: parse-prometheus-text-format 1.1.1 folds the samples of a
 * histogram with labels into one (it keeps the buckets of the last label set and drops `_count`), so
 * the text says less than the registry does. Counters and gauges it reads whole.
 */
import parsePrometheusTextFormat, { type PrometheusFamily } from 'parse-prometheus-text-format';
import { processRegistry } from './metrics.js';

/** One scrape of `/metrics`, parsed. */
export interface Scrape {
  /** The response's `Content-Type`. */
  readonly contentType: string;
  /** The metric families, as parsed. */
  readonly families: readonly PrometheusFamily[];
  /** The family named `name`, or undefined when the text has none. */
  family(name: string): PrometheusFamily | undefined;
  /**
   * The sum of the samples of counter or gauge `name` whose labels include `labels` (0 when none do).
   * @throws {Error} when the family is missing or is not a counter or gauge
   */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
}

/**
 * GETs `url` and parses the body.
 * @throws {Error} on a status other than 200, or text the parser refuses
 */
export async function scrapeMetrics(url: string): Promise<Scrape> {
  const res = await fetch(url);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}: ${text}`);
  const families = parsePrometheusTextFormat(text);
  const family = (name: string) => families.find((f) => f.name === name);
  return {
    contentType: res.headers.get('content-type') ?? '',
    families,
    family,
    value(name, labels = {}) {
      const f = family(name);
      if (!f) throw new Error(`${url} has no metric ${name}`);
      if (f.type !== 'COUNTER' && f.type !== 'GAUGE') throw new Error(`${name} is a ${f.type}, not a counter or gauge`);
      return f.metrics
        .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
        .reduce((sum, m) => sum + Number(m.value), 0);
    },
  };
}

/**
 * Scrapes `url` until `ready` holds for a scrape, or the deadline passes: a count moves when the part
 * has recorded the event, which may be a moment after the client saw its effect.
 * @param timeoutMs deadline, ms
 * @returns the first scrape that satisfied `ready`
 * @throws {Error} at the deadline, naming `what`
 */
export async function scrapeUntil(
  url: string,
  what: string,
  ready: (s: Scrape) => boolean,
  timeoutMs = 10_000,
): Promise<Scrape> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const scrape = await scrapeMetrics(url);
    let ok = false;
    try {
      ok = ready(scrape);
    } catch {
      // a family not there yet: scrape again
    }
    if (ok) return scrape;
    if (Date.now() > deadline) throw new Error(`${url}: ${what} not seen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Observations of histogram `name` whose labels include `labels`, from the process's registry.
 * @returns 0 when the histogram is not defined or has no such observation
 */
export async function histogramCount(name: string, labels: Readonly<Record<string, string>> = {}): Promise<number> {
  const metric = processRegistry().getSingleMetric(name);
  if (!metric) return 0;
  // A histogram's values carry the series name (`_bucket`, `_sum`, `_count`) beside the labels.
  const values = (await metric.get()).values as Array<{
    value: number;
    labels: Record<string, string | number | undefined>;
    metricName?: string;
  }>;
  return values
    .filter(
      (v) => v.metricName === `${name}_count` && Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l),
    )
    .reduce((sum, v) => sum + v.value, 0);
}
