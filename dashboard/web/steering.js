/**
 * Steering the live run through the proxy-manager (via the dashboard's server): pause or resume chaos,
 * change TOXIC_PROB, ERROR_PROB and TOXICS, abort the run. The manager validates and records each
 * change; its message is shown as it is.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { getJson, postJson } from './api.js';

const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data', 'noop'];

/** See the file comment. */
export function SteeringPanel() {
  const [inForce, setInForce] = useState(null);
  const [message, setMessage] = useState('');
  const [form, setForm] = useState({ TOXIC_PROB: '', ERROR_PROB: '', TOXICS: [] });

  const load = () =>
    getJson('/api/steering').then(
      (s) => {
        setInForce(s.inForce);
        setForm({
          TOXIC_PROB: String(s.inForce.TOXIC_PROB),
          ERROR_PROB: String(s.inForce.ERROR_PROB),
          TOXICS: s.inForce.TOXICS,
        });
      },
      (e) => setMessage(e.message),
    );
  useEffect(() => {
    load();
  }, []);

  const send = async (path, payload) => {
    const { ok, body } = await postJson(path, payload);
    setMessage(ok ? (body.abort ?? `recorded: ${body.recorded.join(', ') || 'no change'}`) : body.error);
    if (ok && body.inForce) setInForce(body.inForce);
  };
  const apply = (e) => {
    e.preventDefault();
    send('/api/steering', {
      TOXIC_PROB: Number(form.TOXIC_PROB),
      ERROR_PROB: Number(form.ERROR_PROB),
      TOXICS: form.TOXICS,
    });
  };
  const toggle = (type) =>
    setForm({
      ...form,
      TOXICS: form.TOXICS.includes(type) ? form.TOXICS.filter((t) => t !== type) : [...form.TOXICS, type],
    });

  if (!inForce)
    return html`<section class="steering"><h3>Steering</h3><p>${message || 'Asking the proxy-manager…'}</p></section>`;
  return html`<section class="steering" data-testid="steering">
    <h3>Steering <small>chaos is ${inForce.paused ? 'paused' : 'running'}</small></h3>
    <form onSubmit=${apply}>
      <label>TOXIC_PROB <input data-testid="toxic-prob" type="number" min="0" max="1" step="0.05" value=${form.TOXIC_PROB}
        onInput=${(e) => setForm({ ...form, TOXIC_PROB: e.currentTarget.value })} /></label>
      <label>ERROR_PROB <input data-testid="error-prob" type="number" min="0" max="1" step="0.05" value=${form.ERROR_PROB}
        onInput=${(e) => setForm({ ...form, ERROR_PROB: e.currentTarget.value })} /></label>
      <fieldset><legend>TOXICS</legend>
        ${TOXIC_TYPES.map((t) => html`<label key=${t}><input type="checkbox" checked=${form.TOXICS.includes(t)} onChange=${() => toggle(t)} />${t}</label>`)}
      </fieldset>
      <button type="submit" data-testid="apply">Apply</button>
      <button type="button" data-testid="pause" onClick=${() => send('/api/steering', { chaos: inForce.paused ? 'running' : 'paused' })}>
        ${inForce.paused ? 'Resume chaos' : 'Pause chaos'}
      </button>
      <button type="button" class="danger" data-testid="abort" onClick=${() => window.confirm('Abort the run? Finished prompts are kept; the others are recorded as interrupted.') && send('/api/steering/abort', {})}>
        Abort run
      </button>
    </form>
    <p data-testid="steering-message">${message}</p>
  </section>`;
}
