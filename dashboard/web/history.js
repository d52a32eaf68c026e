/**
 * The history (every run and experiment in the database, newest first; pick two runs to compare) and
 * the comparison of two runs side by side (an experiment offers its baseline against each variant).
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';
import { attemptsSpec, Chart, lanesSpec } from './charts.js';
import { RunHeader, when } from './run-page.js';

function useJson(path) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    setState({ data: null, error: null });
    getJson(path).then(
      (data) => setState({ data, error: null }),
      (e) => setState({ data: null, error: e.message }),
    );
  }, [path]);
  return state;
}

/** The runs and experiments. */
export function History() {
  const { data, error } = useJson('/api/runs');
  const [picked, setPicked] = useState([]);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading the history…</p>`;
  const pick = (id) => setPicked(picked.includes(id) ? picked.filter((p) => p !== id) : [...picked, id].slice(-2));
  return html`<div>
    <h2>Runs</h2>
    ${
      picked.length === 2
        ? html`<p><a data-testid="compare-link" href=${`#/compare/${encodeURIComponent(picked[0])}/${encodeURIComponent(picked[1])}`}>Compare ${picked[0]} with ${picked[1]}</a></p>`
        : html`<p>Tick two runs to compare them side by side.</p>`
    }
    <table class="runs" data-testid="runs">
      <thead><tr><th></th><th>run</th><th>status</th><th>started</th><th>prompts</th><th>succeeded</th><th>seed</th><th>model</th></tr></thead>
      <tbody>
        ${data.runs.map(
          (r) => html`<tr key=${r.runId} data-testid=${`run-${r.runId}`}>
            <td><input type="checkbox" checked=${picked.includes(r.runId)} onChange=${() => pick(r.runId)} /></td>
            <td><a href=${`#/runs/${encodeURIComponent(r.runId)}`}>${r.runId}</a></td>
            <td><span class=${`status status-${r.status}`}>${r.status}</span></td>
            <td>${when(r.startedAt)}</td><td>${r.promptsDone} / ${r.promptsTotal}</td><td>${r.promptsSucceeded}</td><td>${r.seed}</td><td>${r.model ?? ''}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <h2>Experiments</h2>
    ${data.experiments.length === 0 && html`<p>No experiment yet (<code>chaos-lab run experiments/….yaml</code>).</p>`}
    ${data.experiments.map((e) => {
      const baseline = e.variants[0];
      return html`<div class="experiment" key=${e.experimentId}>
        <h3>${e.title} <small>${e.file} · ${when(e.startedAt)} · ${e.verdict ?? 'running'}</small></h3>
        <ul>
          ${e.variants.map(
            (v) => html`<li key=${v.variant}>
              ${v.variant}: ${v.runId ? html`<a href=${`#/runs/${encodeURIComponent(v.runId)}`}>${v.runId}</a>` : 'no run'} (${v.verdict ?? '…'})
              ${baseline?.runId && v.runId && v !== baseline && html` · <a href=${`#/compare/${encodeURIComponent(baseline.runId)}/${encodeURIComponent(v.runId)}`}>baseline vs ${v.variant}</a>`}
            </li>`,
          )}
        </ul>
      </div>`;
    })}
  </div>`;
}

function Side({ runId }) {
  const { data, error } = useJson(`/api/runs/${encodeURIComponent(runId)}`);
  if (error) return html`<div class="side error">${error}</div>`;
  if (!data) return html`<div class="side">Loading ${runId}…</div>`;
  const attempts = data.attempts.reduce((n, a) => n + a.count, 0);
  const failed = data.attempts.filter((a) => a.outcome !== 'ok').reduce((n, a) => n + a.count, 0);
  return html`<div class="side" data-testid="compare-side">
    <${RunHeader} view=${data} />
    <p>${attempts} tool attempts, ${failed} failed · ${data.faults.length} fault events</p>
    <${Chart} spec=${attemptsSpec(data)} />
    <${Chart} spec=${lanesSpec(data)} />
  </div>`;
}

/** Two runs side by side. */
export function Compare({ a, b }) {
  return html`<div><h2>Comparison</h2><div class="compare"><${Side} runId=${a} /><${Side} runId=${b} /></div></div>`;
}

/** One past (or the live) run, opened from the history. */
export function RunById({ runId, RunPage }) {
  const { data, error } = useJson(`/api/runs/${encodeURIComponent(runId)}`);
  if (error) return html`<p class="error">${error}</p>`;
  if (!data) return html`<p>Loading ${runId}…</p>`;
  return html`<${RunPage} view=${data} live=${false} />`;
}
