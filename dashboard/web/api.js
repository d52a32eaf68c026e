/**
 * The page's calls to its server (dashboard/src/app.ts): JSON in and out, an error's message thrown
 * as an Error, and the live feed as server-sent events.
 */

/** GETs a JSON document; throws an Error with the server's message on a non-2xx answer. */
export async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error ?? `${path}: HTTP ${res.status}`);
  return body;
}

/** POSTs a JSON body; resolves with `{ ok, status, body }` so the caller shows a refusal's message. */
export async function postJson(path, payload) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
  const body = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, body };
}

/**
 * Follows the live feed: `onRun({ sentAt, view })` for every page the server sends (view null while
 * the database has no run), `onProblem(message)` when the record could not be read or the stream broke
 * (EventSource reconnects by itself).
 * @returns a function that closes the stream
 */
export function followLive(onRun, onProblem) {
  const source = new EventSource('/api/live');
  source.addEventListener('run', (e) => onRun(JSON.parse(e.data)));
  source.addEventListener('problem', (e) => onProblem(JSON.parse(e.data).error));
  source.onerror = () => onProblem('the live feed was cut; reconnecting');
  return () => source.close();
}
