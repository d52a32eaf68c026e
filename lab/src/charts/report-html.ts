/**
 * The report page, `charts/index.html`: one self-contained file (inline CSS, no script, nothing
 * fetched) that shows the run's summary table, every chart (images referenced relatively, so the
 * folder can be moved or served as it is) and the run's settings.
 */
import type { LatencySummary, RunSummary } from './summary.js';

/** One chart as the page shows it. */
export interface ReportChart {
  readonly title: string;
  readonly description: string;
  /** File names relative to the page, e.g. `throughput.svg`. */
  readonly svgFile: string;
  readonly pngFile: string;
}

const CSS = `
  body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; }
  h1 { font-size: 1.6em; margin: 0 0 4px; }
  h2 { font-size: 1.2em; margin: 32px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  .meta { color: #555; margin: 0 0 16px; }
  .meta span { margin-right: 18px; white-space: nowrap; }
  table { border-collapse: collapse; margin: 8px 0; font-size: 0.95em; }
  caption { text-align: left; white-space: nowrap; padding-bottom: 4px; }
  th, td { text-align: left; padding: 4px 14px 4px 0; vertical-align: top; border-bottom: 1px solid #eee; }
  th { font-weight: normal; color: #555; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .grid { display: flex; flex-wrap: wrap; gap: 8px 48px; }
  figure { margin: 24px 0; }
  figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
  figcaption { color: #444; font-size: 0.92em; margin-top: 6px; }
  code { background: #f4f4f4; padding: 1px 4px; border-radius: 3px; }
  .status-completed { color: #2e7d32; } .status-failed, .status-interrupted { color: #c62828; } .status-running { color: #b26a00; }
  footer { color: #777; font-size: 0.85em; margin-top: 40px; }
`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function ms(value: number | null): string {
  if (value === null) return '–';
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}

function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

function latencyCell(l: LatencySummary): string {
  return l.attempts === 0 ? 'no attempts' : `p50 ${ms(l.p50Ms)} · p95 ${ms(l.p95Ms)} (${l.attempts} attempts)`;
}

function rows(entries: readonly (readonly [string, string | number])[]): string {
  return entries
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td${typeof value === 'number' ? ' class="num"' : ''}>${escapeHtml(String(value))}</td></tr>`)
    .join('\n');
}

function countRows(counts: Record<string, number>, none: string): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return entries.length === 0 ? rows([[none, '']]) : rows(entries);
}

function settingValue(value: unknown): string {
  if (value === undefined || value === null) return '(unset)';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return value.join(', ');
  return JSON.stringify(value);
}

function summaryTables(s: RunSummary): string {
  const p = s.prompts;
  const t = s.toolCalls;
  return `<div class="grid">
<table><caption><strong>Prompts</strong></caption>
${rows([
  ['total', p.total],
  ['succeeded', p.succeeded],
  ['failed', p.failed],
  ...(p.unfinished > 0 ? ([['unfinished', p.unfinished]] as const) : []),
  ['success rate', percent(p.successRate)],
  ['response time p50', ms(p.responseTimeMs.p50)],
  ['response time p95', ms(p.responseTimeMs.p95)],
])}
</table>
<table><caption><strong>Tool calls</strong></caption>
${rows([
  ['tool calls', t.calls],
  ['attempts (all)', t.attempts],
  ['retries through the proxy', t.retries],
  ['direct fallbacks', t.fallbacks],
  ['fallbacks answered', t.fallbacksAnswered],
  ['calls never answered', t.unanswered],
])}
</table>
<table><caption><strong>Tool latency</strong></caption>
${rows([
  ['every attempt', latencyCell(s.toolLatency.all)],
  ['through the proxy, clean', latencyCell(s.toolLatency.clean)],
  ['through the proxy, under a toxic', latencyCell(s.toolLatency.underToxic)],
])}
</table>
<table><caption><strong>Toxics injected: ${s.toxics.total}</strong></caption>
${countRows(s.toxics.byType, 'none')}
${s.toxics.open > 0 ? rows([['never removed', s.toxics.open]]) : ''}
</table>
<table><caption><strong>Failed prompts by error type</strong></caption>
${countRows(s.prompts.byErrorType, 'none')}
</table>
</div>`;
}

/**
 * Writes the report page.
 * @param summary the run's figures
 * @param charts the charts, in page order
 * @returns the HTML document
 */
export function reportHtml(summary: RunSummary, charts: readonly ReportChart[]): string {
  const s = summary;
  const settings = Object.entries(s.settings).sort(([a], [b]) => a.localeCompare(b));
  const figures = charts
    .map(
      (c) => `<figure>
<h2>${escapeHtml(c.title)}</h2>
<img src="${escapeHtml(c.svgFile)}" alt="${escapeHtml(c.title)}">
<figcaption>${escapeHtml(c.description)} <a href="${escapeHtml(c.pngFile)}">PNG</a></figcaption>
</figure>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Agent Chaos Lab – run ${escapeHtml(s.runId)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Agent Chaos Lab – run <code>${escapeHtml(s.runId)}</code></h1>
<p class="meta">
<span>status: <strong class="status-${escapeHtml(s.status)}">${escapeHtml(s.status)}</strong></span>
<span>model: ${escapeHtml(s.modelLabel)}</span>
<span>seed: ${s.seed}</span>
<span>started: ${escapeHtml(s.startedAt)}</span>
<span>finished: ${escapeHtml(s.finishedAt ?? 'not finished')}</span>
<span>duration: ${s.durationS.toFixed(1)} s</span>
</p>
<p>Repeat the chaos of this run with <code>CHAOS_SEED=${s.seed}</code> and the settings below.</p>
<h2>Summary</h2>
${summaryTables(s)}
${figures}
<h2>Settings of this run</h2>
<table>
${settings.length === 0 ? rows([['(none recorded)', '']]) : rows(settings.map(([k, v]) => [k, settingValue(v)] as const))}
</table>
<footer>Rendered by <code>chaos-lab charts</code> from the lab database. Times are UTC; latencies in ms; chart time axes in seconds since the run started.</footer>
</body>
</html>
`;
}
