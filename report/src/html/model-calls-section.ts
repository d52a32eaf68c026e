/**
 * The report's model-call section: the summary of read-model/model-calls.ts as one table.
 */
import type { ModelCallSummary } from '../read-model/model-calls.js';
import { escapeHtml } from './html.js';

/** The report's section (an empty string for a run without model calls recorded). */
export function modelCallsHtml(m: ModelCallSummary): string {
  if (m.requests === 0) return '';
  const list = (o: Record<string, number>) =>
    Object.keys(o).length === 0
      ? 'none'
      : Object.entries(o)
          .map(([k, n]) => `${escapeHtml(k)} ${n}`)
          .join(', ');
  const ms = (v: number | null) => (v === null ? '–' : `${Math.round(v)} ms`);
  const rows: Array<[string, string]> = [
    ['requests', `${m.requests} (${m.retries} retries by the model client)`],
    ['by status', list(m.byStatus)],
    ['LLM faults met', list(m.faults)],
    ['tokens', `${m.tokensIn} in, ${m.tokensOut} out`],
    ['latency', `p50 ${ms(m.latencyMs.p50)}, p95 ${ms(m.latencyMs.p95)}; first byte p50 ${ms(m.ttftMs.p50)}`],
    [
      'Retry-After',
      m.retryAfter.asked === 0
        ? 'never asked'
        : `asked ${m.retryAfter.asked}: waited ${m.retryAfter.honored}, retried early ${m.retryAfter.early}, no retry ${m.retryAfter.noRetry}`,
    ],
  ];
  return `<h2>Model calls</h2>\n<table>\n${rows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('\n')}\n</table>`;
}
