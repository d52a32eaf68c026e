/**
 * A prompt's drill-down: its answer or error, and each tool call with its arguments, every attempt,
 * the attempt's cause, the fault blamed and every fault active on its service while it ran.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api.js';

/** How an attempt reached the record: its route, and for a request seen at a service whether it was tied to the prompt by time. */
function route(a) {
  if (a.via !== 'service') return a.via;
  return a.attribution === 'inferred_time' ? 'seen at the service, tied by time' : 'seen at the service';
}

function Attempts({ attempts }) {
  return html`<table class="attempts">
    <thead><tr><th>attempt</th><th>via</th><th>outcome</th><th>ms</th><th>at (s)</th><th>cause</th><th>fault blamed</th><th>faults active</th></tr></thead>
    <tbody>
      ${attempts.map(
        (a) => html`<tr key=${`${a.via}${a.attempt}`} data-testid="attempt">
          <td>${a.attempt}</td><td>${route(a)}</td><td>${a.outcome}</td><td>${Math.round(a.durationMs)}</td><td>${a.startS.toFixed(1)}</td>
          <td>${a.cause === 'unknown' ? 'cause unknown' : (a.cause ?? '')}</td><td class="text">${a.fault ?? ''}</td><td class="text">${a.activeFaults.join('; ')}</td>
        </tr>`,
      )}
    </tbody>
  </table>`;
}

/** Loads and shows one prompt's drill-down. */
export function PromptDetail({ runId, promptIndex }) {
  const [detail, setDetail] = useState(null);
  const [error, setError] = useState(null);
  useEffect(() => {
    setDetail(null);
    setError(null);
    getJson(`/api/runs/${encodeURIComponent(runId)}/prompts/${promptIndex}`).then(setDetail, (e) =>
      setError(e.message),
    );
  }, [runId, promptIndex]);
  if (error) return html`<section class="error">${error}</section>`;
  if (!detail) return html`<section>Loading prompt ${promptIndex}…</section>`;
  return html`<section class="prompt-detail" data-testid="prompt-detail">
    <h3>Prompt ${detail.promptIndex}: <span class=${`status status-${detail.status}`}>${detail.status}</span></h3>
    <p class="text">${detail.prompt}</p>
    ${detail.verdict && html`<p><b>verdict</b> ${detail.verdict}</p>`}
    ${detail.error && html`<p class="error"><b>${detail.errorType}</b> ${detail.error}</p>`}
    <p><b>answer</b> <span class="text" data-testid="answer">${detail.answer ?? '(none)'}</span></p>
    ${detail.calls.length === 0 && html`<p>No tool call.</p>`}
    ${detail.calls.map(
      (c) => html`<div class="call" key=${`${c.promptAttempt}-${c.callId}`} data-testid="call">
        <h4>${c.tool} <small>(prompt attempt ${c.promptAttempt}, ${c.status})</small></h4>
        <pre>${c.arguments === null ? 'arguments not recorded' : JSON.stringify(c.arguments, null, 1)}</pre>
        ${c.resultDigest && html`<p class="text"><b>result</b> ${c.resultDigest}</p>`}
        <${Attempts} attempts=${c.attempts} />
      </div>`,
    )}
  </section>`;
}
