/**
 * One run's page: progress, the steering panel (live run only), the proxy lanes, the attempts by
 * outcome and cause, and the prompts as they finish; clicking a prompt opens its drill-down.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { attemptsSpec, Chart, lanesSpec } from './charts.js';
import { PromptDetail } from './prompt-detail.js';
import { SteeringPanel } from './steering.js';

/** A time in the user's locale; '…' while unset. */
export function when(ms) {
  return ms === null || ms === undefined ? '…' : new Date(ms).toLocaleString();
}

/** The run's header: id, status, progress and the settings that matter to a reader. */
export function RunHeader({ view }) {
  const { run, progress } = view;
  const pct = progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : 0;
  const s = run.settings;
  return html`<section class="run-header">
    <h2>Run <code>${run.runId}</code> <span class=${`status status-${run.status}`} data-testid="run-status">${run.status}</span></h2>
    <p>
      started ${when(run.startedAt)}${run.finishedAt ? `, finished ${when(run.finishedAt)}` : ''} · seed ${run.seed} · model ${run.model ?? '?'}
    </p>
    <p>TOXIC_PROB=${String(s.TOXIC_PROB)} ERROR_PROB=${String(s.ERROR_PROB)} TOXICS=${String(s.TOXICS)} TOOL_LIMIT=${String(s.TOOL_LIMIT)} PROMPT_LIMIT=${String(s.PROMPT_LIMIT)} (at start)</p>
    ${run.error && html`<p class="error">${run.error}</p>`}
    <div class="progress" title=${`${progress.done} of ${progress.total} prompts`}>
      <div class="bar" style=${`width:${pct}%`}></div>
    </div>
    <p data-testid="progress">${progress.done} / ${progress.total} prompts · ${
      Object.entries(progress.byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none finished yet'
    }</p>
  </section>`;
}

/** The prompts table: one clickable row per finished prompt. */
function PromptTable({ prompts, selected, onSelect }) {
  if (prompts.length === 0) return html`<p>No prompt has finished yet.</p>`;
  return html`<table class="prompts" data-testid="prompts">
    <thead><tr><th>#</th><th>prompt</th><th>status</th><th>verdict</th><th>attempts</th><th>ms</th><th>root cause</th><th>tools</th></tr></thead>
    <tbody>
      ${prompts.map(
        (p) => html`<tr
          key=${p.promptIndex}
          class=${p.promptIndex === selected ? 'selected' : ''}
          data-testid=${`prompt-${p.promptIndex}`}
          onClick=${() => onSelect(p.promptIndex === selected ? null : p.promptIndex)}
        >
          <td>${p.promptIndex}</td><td class="text">${p.prompt}</td>
          <td><span class=${`status status-${p.status}`}>${p.status}</span></td>
          <td class="text">${p.verdict ?? ''}</td><td>${p.attempts}</td><td>${Math.round(p.durationMs)}</td>
          <td>${p.rootCause === null ? '' : `${p.rootCause}${p.rootInferred ? ' (inferred)' : ''}`}</td><td>${p.tools.join(', ')}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The steering changes recorded for the run. */
function SteeringLog({ changes }) {
  if (changes.length === 0) return null;
  return html`<section><h3>Steering changes</h3><ul data-testid="steering-log">
    ${changes.map((c) => html`<li key=${c.id}>${when(c.at)}: ${c.setting} ${JSON.stringify(c.previous)} → ${JSON.stringify(c.value)} (${c.source})</li>`)}
  </ul></section>`;
}

/** The whole page of one run; `live` adds the steering panel. */
export function RunPage({ view, live }) {
  const [selected, setSelected] = useState(null);
  return html`<div class="run-page">
    <${RunHeader} view=${view} />
    ${live && view.run.status === 'running' && html`<${SteeringPanel} />`}
    <section><h3>Faults by proxy</h3><${Chart} testid="lanes" spec=${lanesSpec(view)} /></section>
    <section><h3>Tool attempts by outcome and cause</h3><${Chart} testid="attempts" spec=${attemptsSpec(view)} /></section>
    <section><h3>Prompts</h3><${PromptTable} prompts=${view.prompts} selected=${selected} onSelect=${setSelected} /></section>
    ${selected !== null && html`<${PromptDetail} runId=${view.run.runId} promptIndex=${selected} />`}
    <${SteeringLog} changes=${view.steering} />
  </div>`;
}
