/**
 * The experiment's report (`<CHARTS_DIR>/experiments/<id>/index.html`): the baseline and the variants
 * side by side, one row per check (value and held / deviated per run), then for each run that
 * deviated the faults it fired with their blast radius and the prompts that did not end well with
 * their root cause, so a deviation leads to the prompts and faults behind it. Each run's own report
 * (charts, per-prompt table) is linked: it is rendered in `<variant>/index.html` beside this page.
 * A static file that opens from disk.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './checks.js';
import type { Journal, JournalRun } from './journal.js';

const esc = (s: unknown) =>
  String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function checksTable(j: Journal): string {
  const names = new Map<number, string>();
  for (const run of j.runs) for (const c of run.checks) if (!names.has(c.index)) names.set(c.index, `${c.name}`);
  const head = `<tr><th>check</th>${j.runs.map((r) => `<th><a href="${esc(r.variant)}/index.html">${esc(r.variant)}</a><br><small>${esc(r.runId ?? '')}</small></th>`).join('')}</tr>`;
  const rows = [...names.entries()].map(([index, name]) => {
    const cells = j.runs.map((r) => {
      const c = r.checks.find((x) => x.index === index);
      if (!c) return '<td>–</td>';
      const value = c.value === null ? '–' : round(c.value);
      // A deviation links to the run's story: the faults it fired and the prompts behind it.
      const outcome = c.outcome === 'deviated' ? `<a href="#run-${esc(r.variant)}">deviated</a>` : esc(c.outcome);
      return `<td class="${c.outcome}" title="${esc(c.reason ?? '')}">${esc(value)}<br><small>${outcome} · ${esc(c.tolerance)}</small></td>`;
    });
    return `<tr><th>${esc(name)}</th>${cells.join('')}</tr>`;
  });
  const verdicts = `<tr><th>verdict</th>${j.runs.map((r) => `<td class="${r.verdict === 'held' ? 'held' : 'deviated'}">${esc(r.verdict)}${r.error ? `<br><small>${esc(r.error)}</small>` : ''}</td>`).join('')}</tr>`;
  // The model's side of each run, against the baseline's (the first run), whether or not a check names it.
  const base = j.runs[0]?.model;
  const versus = (v: number | null | undefined, b: number | null | undefined) =>
    v == null ? '–' : `${v}${b != null && v !== b && base !== undefined ? ` (${v - b >= 0 ? '+' : ''}${v - b})` : ''}`;
  const model = `<tr><th>model calls<br><small>requests · client retries · tokens (vs baseline)</small></th>${j.runs
    .map(
      (r) =>
        `<td>${r.model ? `${versus(r.model.requests, base?.requests)} · ${versus(r.model.retries, base?.retries)} · ${versus(r.model.tokens, base?.tokens)}` : '–'}</td>`,
    )
    .join('')}</tr>`;
  return `<table>${head}${rows.join('')}${model}${verdicts}</table>`;
}

function runStory(run: JournalRun): string {
  const faults = run.faults.length
    ? `<table><tr><th>event</th><th>fault</th><th>service</th><th>type</th><th>trigger</th><th>held ms</th><th>ended by</th><th>attempts touched / failed</th><th>prompts touched</th></tr>${run.faults
        .map(
          (f) =>
            `<tr><td>${f.eventId}</td><td>${esc(f.fault)}</td><td>${esc(f.service ?? '')}</td><td>${esc(f.type)} ${esc(f.stream ?? '')}</td><td><code>${esc(JSON.stringify(f.trigger))}</code></td><td>${f.endedAt === null ? 'open' : f.endedAt - f.startedAt}</td><td>${esc(f.endedBy ?? '')}</td><td>${f.attemptsTouched} / ${f.attemptsFailed}${f.kind === 'llm' ? ' model requests' : ''}</td><td>${esc(f.promptIndexes.map((i) => i + 1).join(', '))}</td></tr>`,
        )
        .join('')}</table>`
    : '<p>no planned fault fired</p>';
  const prompts = run.promptsNotCorrect.length
    ? `<table><tr><th>prompt</th><th>id</th><th>status</th><th>root cause</th><th>fault event</th></tr>${run.promptsNotCorrect
        .map(
          (p) =>
            `<tr><td>${p.promptIndex + 1}</td><td>${esc(p.promptId ?? '')}</td><td>${esc(p.status)}</td><td>${esc(p.rootCause ?? '')}</td><td>${p.faultEventId ?? ''}</td></tr>`,
        )
        .join('')}</table>`
    : '<p>every prompt ended well</p>';
  const rolled = run.rolledBack.length
    ? `<p>rolled back after the run: ${run.rolledBack.map((r) => `${esc(r.fault)} on ${esc(r.service ?? '')}`).join(', ')}</p>`
    : '';
  return `<h3 id="run-${esc(run.variant)}">${esc(run.variant)} — ${esc(run.verdict)}</h3><h4>faults fired</h4>${faults}<h4>prompts that did not end well</h4>${prompts}${rolled}`;
}

/** Writes the page; returns its path. */
export function writeComparisonReport(dir: string, j: Journal): string {
  const path = join(dir, 'index.html');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${esc(j.title)}</title><style>
body{font:14px system-ui,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.held{background:#e8f5e9}.deviated{background:#ffebee}.skipped{color:#888}small{color:#555}code{font-size:12px}
</style></head><body><h1>${esc(j.title)}</h1>
<p>verdict <b>${esc(j.verdict ?? 'running')}</b> · seed ${j.seed} · file <code>${esc(j.file)}</code> · experiment ${esc(j.experimentId)}</p>
<h2>Baseline and variants</h2>${checksTable(j)}
<h2>What happened in each run</h2>${j.runs.map(runStory).join('')}
<h2>The file as run</h2><pre>${esc(j.source)}</pre></body></html>
`;
  writeFileSync(path, html);
  return path;
}
