/**
 * The dashboard page (preact + htm, bundled by esbuild: scripts/bundle-dashboard.js). Routes by the
 * URL's hash:
 *
 *   #/                 the live run: the current run's page, updated by the server's live feed
 *   #/history          every run and experiment
 *   #/runs/<id>        one run
 *   #/compare/<a>/<b>  two runs side by side
 */
import { html } from 'htm/preact';
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { followLive } from './api.js';
import { Compare, History, RunById } from './history.js';
import { RunPage } from './run-page.js';

function useHash() {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

/** The current run, as the live feed sends it. `window.__lastUpdate` lets a test time an update. */
function Live() {
  const [state, setState] = useState({ view: undefined, problem: null });
  useEffect(
    () =>
      followLive(
        ({ sentAt, view }) => {
          setState({ view, problem: null });
          window.__lastUpdate = { sentAt, shownAt: Date.now() };
        },
        (problem) => setState((s) => ({ ...s, problem })),
      ),
    [],
  );
  if (state.view === undefined) return html`<p>Connecting to the live feed…</p>`;
  return html`<div>
    ${state.problem && html`<p class="error">${state.problem}</p>`}
    ${state.view === null ? html`<p>No run in this database yet: start one with <code>npm start</code>.</p>` : html`<${RunPage} view=${state.view} live=${true} />`}
  </div>`;
}

function App() {
  const hash = useHash();
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  let page;
  if (parts[0] === 'history') page = html`<${History} />`;
  else if (parts[0] === 'runs' && parts[1])
    page = html`<${RunById} key=${parts[1]} runId=${parts[1]} RunPage=${RunPage} />`;
  else if (parts[0] === 'compare' && parts[1] && parts[2]) page = html`<${Compare} a=${parts[1]} b=${parts[2]} />`;
  else page = html`<${Live} />`;
  return html`<header><h1>Agent Chaos Lab</h1><nav><a href="#/">Live run</a><a href="#/history">History</a></nav></header><main>${page}</main>`;
}

const root = document.getElementById('app');
root.textContent = ''; // the "Loading…" line of index.html
render(html`<${App} />`, root);
