/**
 * Types of parse-prometheus-text-format 1.1.1 (it ships none), as its README describes its output:
 * one object per metric family, sample values as strings.
 */
declare module 'parse-prometheus-text-format' {
  /** One sample of a counter, gauge or untyped family (`value`), or a histogram's or summary's parts. */
  export interface PrometheusSample {
    readonly value?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly buckets?: Readonly<Record<string, string>>;
    readonly quantiles?: Readonly<Record<string, string>>;
    readonly count?: string;
    readonly sum?: string;
  }

  /** One metric family. */
  export interface PrometheusFamily {
    readonly name: string;
    readonly help: string;
    readonly type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    readonly metrics: readonly PrometheusSample[];
  }

  /** Parses Prometheus text exposition format 0.0.4. */
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
