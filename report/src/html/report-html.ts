/**
 * The report page, `charts/index.html`: one static file that opens from disk (inline CSS and
 * scripts, nothing fetched from the network) and shows the run's summary tables, each fault event's
 * blast radius, the per-prompt table (prompt-table.ts), every chart and the run's settings.
 *
 * Charts are the rendered SVGs (referenced relatively, so the folder can be moved or served as it
 * is); when scripts run, vega (its browser build, inlined) redraws each from its compiled spec
 * in place of the image, so hovering a mark shows its tooltip.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { escapeHtml, scriptJson } from './html.js';
import type { PromptStory } from '../read-model/prompt-stories.js';
import { promptTableHtml } from './prompt-table.js';
import type { FaultBlastRadius, LatencySummary, RunSummary } from '../read-model/summary.js';
import { modelCallsHtml } from './model-calls-section.js';

/** One chart as the page shows it. */
export interface ReportChart {
  readonly title: string;
  readonly description: string;
  /** File names relative to the page, e.g. `throughput.svg`. */
  readonly svgFile: string;
  readonly pngFile: string;
  /** File stem, used as the element id of its live view. */
  readonly name: string;
  /** The compiled vega spec the SVG was drawn from. */
  readonly vegaSpec: object;
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
  .status-completed, .status-correct { color: #2e7d32; } .status-failed, .status-interrupted { color: #c62828; } .status-running, .status-wrong, .status-unhandled { color: #b26a00; }
  .status-unchecked { color: #666; }
  .muted { color: #777; }
  .filters { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; margin: 8px 0; }
  table.prompts { width: 100%; font-size: 0.88em; }
  table.prompts th.sort { cursor: pointer; text-decoration: underline dotted; }
  table.prompts th.sort.asc::after { content: " ▲"; } table.prompts th.sort.desc::after { content: " ▼"; }
  table.prompts td.prompt { min-width: 12em; } table.prompts td.answer { max-width: 24em; }
  .call { margin: 0 0 6px; } .call ol { margin: 2px 0 0; padding-left: 1.6em; }
  .args { word-break: break-all; } .digest { color: #555; font-size: 0.92em; word-break: break-all; }
  .verdict { color: #555; font-size: 0.9em; } .fault { color: #555; font-size: 0.9em; }
  .cause { font-weight: bold; } .cause-unknown { color: #333; } .cause-toxic { color: #d95f02; } .cause-service_down { color: #7b3294; }
  .cause-simulated_error { color: #c51b7d; } .cause-client_timeout { color: #1f78b4; } .cause-cancelled { color: #4a7a9a; }
  .live svg { max-width: 100%; height: auto; }
  footer { color: #777; font-size: 0.85em; margin-top: 40px; }
`;

let vegaJs: string | undefined;

/** vega's browser build, read once, made safe to inline in a <script> element. */
function vegaSource(): string {
  // vega exports only its module build; the browser build (global `vega`) sits beside it.
  const build = dirname(createRequire(import.meta.url).resolve('vega'));
  vegaJs ??= readFileSync(join(build, 'vega.min.js'), 'utf8').replace(/<\/(script)/gi, '<\\/$1');
  return vegaJs;
}

/** Redraws each chart live from its spec (tooltips on hover); the image stays when anything fails. */
const LIVE_CHARTS = `
(function () {
  if (typeof vega === 'undefined') return;
  document.querySelectorAll('figure[data-chart]').forEach(function (figure) {
    var name = figure.getAttribute('data-chart');
    var spec = JSON.parse(document.getElementById('spec-' + name).textContent);
    var live = figure.querySelector('.live');
    new vega.View(vega.parse(spec), { renderer: 'svg', container: live, hover: true })
      .runAsync()
      .then(function () { figure.querySelector('img').hidden = true; live.hidden = false; })
      .catch(function () { live.hidden = true; });
  });
})();
`;

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
    .map(
      ([label, value]) =>
        `<tr><th>${escapeHtml(label)}</th><td${typeof value === 'number' ? ' class="num"' : ''}>${escapeHtml(String(value))}</td></tr>`,
    )
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
  ...Object.entries(p.byStatus).map(([status, n]) => [status, n] as const),
  ...(p.unfinished > 0 ? ([['no result (unfinished)', p.unfinished]] as const) : []),
  ['success rate (correct / checked)', `${percent(p.successRate)} of ${p.checked}`],
  ['unchecked, not counted', p.unchecked],
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
  ['failed attempts', t.failedAttempts],
  ...(t.seenAtService > 0
    ? ([
        ['seen at the services (an agent over HTTP)', t.seenAtService],
        ['of those, tied to their prompt by time', t.tiedByTime],
      ] as const)
    : []),
])}
</table>
<table><caption><strong>Failed attempts by cause</strong></caption>
${countRows(t.failedByCause, 'none')}
</table>
<table><caption><strong>Latency of answered attempts</strong></caption>
${rows([
  ['every answered attempt', latencyCell(s.toolLatency.all)],
  ['through the proxy, clean', latencyCell(s.toolLatency.clean)],
  ['through the proxy, under a toxic on it', latencyCell(s.toolLatency.underToxic)],
])}
</table>
<table><caption><strong>Prompts not ended well, by root cause</strong></caption>
${countRows(p.byRootCause, 'none')}
</table>
<table><caption><strong>Toxics injected: ${s.toxics.total}</strong></caption>
${countRows(s.toxics.byType, 'none')}
${s.toxics.open > 0 ? rows([['never removed', s.toxics.open]]) : ''}
</table>
</div>`;
}

function faultRow(f: FaultBlastRadius): string {
  const what = f.kind === 'toxic' ? `${f.type} ${f.stream ?? ''}` : `${f.kind} ${f.type}`;
  const cells = [
    `#${f.id}`,
    what,
    f.proxy ?? f.service ?? '',
    JSON.stringify(f.attributes),
    `${f.startedAt.slice(11, 23)} → ${f.endedAt === null ? 'never removed' : f.endedAt.slice(11, 23)}${f.endedBy ? ` (${f.endedBy})` : ''}`,
  ].map((c) => `<td>${escapeHtml(c)}</td>`);
  const numbers = [
    f.attemptsTouched,
    f.attemptsFailed,
    f.attemptsAttributed,
    `${f.modelRequestsTouched} (${f.modelRequestsFailed} failed)`,
    f.promptsRootCaused,
  ].map((n) => `<td class="num">${n}</td>`);
  const inferred = new Set(f.promptsTouchedInferred);
  const prompts = f.promptsTouched.map((i) => (inferred.has(i) ? `${i} (inferred)` : String(i))).join(', ');
  return `<tr>${cells.join('')}${numbers.join('')}<td>${escapeHtml(prompts)}</td></tr>`;
}

/** Each fault event's blast radius, one row per event. */
function blastRadiusTable(faults: readonly FaultBlastRadius[]): string {
  if (faults.length === 0) return '<p class="muted">No fault was injected in this run.</p>';
  const head = [
    'event',
    'fault',
    'proxy or service',
    'attributes',
    'active (UTC)',
    'attempts touched',
    'failed',
    'attributed to it',
    'model requests touched',
    'prompts it root-caused',
    'prompts touched',
  ];
  return `<table class="blast">
<thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${faults.map(faultRow).join('\n')}
</tbody>
</table>`;
}

/**
 * Writes the report page.
 * @param summary the run's figures
 * @param charts the charts, in page order
 * @param stories every prompt's story, for the per-prompt table
 * @param knowledgeHtml the knowledge section (knowledge-section.ts), shown after the model calls
 * @returns the HTML document
 */
export function reportHtml(
  summary: RunSummary,
  charts: readonly ReportChart[],
  stories: readonly PromptStory[],
  knowledgeHtml = '',
): string {
  const s = summary;
  const settings = Object.entries(s.settings).sort(([a], [b]) => a.localeCompare(b));
  const figures = charts
    .map(
      (c) => `<figure data-chart="${escapeHtml(c.name)}">
<h2>${escapeHtml(c.title)}</h2>
<img src="${escapeHtml(c.svgFile)}" alt="${escapeHtml(c.title)}">
<div class="live" hidden></div>
<script type="application/json" id="spec-${escapeHtml(c.name)}">${scriptJson(c.vegaSpec)}</script>
<figcaption>${escapeHtml(c.description)} <a href="${escapeHtml(c.pngFile)}">PNG</a></figcaption>
</figure>`,
    )
    .join('\n');
  const duration = s.durationS === null ? 'not finished' : `${s.durationS.toFixed(1)} s`;
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
<span>duration: ${duration}</span>
</p>
<p>Repeat the chaos of this run with <code>CHAOS_SEED=${s.seed}</code> and the settings below.</p>
<h2>Summary</h2>
${summaryTables(s)}
<h2>Prompts</h2>
<p class="muted">Every prompt's story: its tool calls with their arguments, each attempt's outcome and the cause of each failure (a fault event, a simulated error, the client's own timeout, a cancellation, or unknown). Click a heading to sort; pick a status, tool or cause to filter.</p>
${promptTableHtml(stories)}
<h2>Faults and their blast radius</h2>
${blastRadiusTable(s.faultEvents)}
${modelCallsHtml(s.modelCalls)}
${knowledgeHtml}
${figures}
<h2>Settings of this run</h2>
<table>
${settings.length === 0 ? rows([['(none recorded)', '']]) : rows(settings.map(([k, v]) => [k, settingValue(v)] as const))}
</table>
<footer>Rendered by <code>chaos-lab charts</code> from the lab database. Times are UTC; latencies in ms; chart time axes in seconds since the run started.</footer>
<script>${vegaSource()}</script>
<script>${LIVE_CHARTS}</script>
</body>
</html>
`;
}
