// Hand-made toxics: a toxic added mid-run with a plain HTTP client to the lab's Toxiproxy-compatible
// server stays while the chaos loop injects and removes its own beside it, and is recorded as a manual
// fault (a fault_events row opened when the manager first sees it, closed when it is gone) that the
// attribution views count; a toxic named with a lab prefix is taken for the lab's and removed; at stop
// the lab's toxics go and the user's stay, their events closed.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SERVICES, writeTransaction } from '@chaos-lab/common';
import { startTestLab, waitFor, type TestLab } from './support/lab.js';

/** A fault_events row as the test reads it. */
interface FaultRow {
  id: number;
  run_id: string | null;
  kind: string;
  proxy: string;
  service: string;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
  attributes: string;
  started_at: number;
  ended_at: number | null;
  ended_by: string | null;
  fault: string | null;
  trigger: string | null;
}

const CHAOS_INTERVAL_MS = 100;

describe('hand-made toxics', () => {
  let lab: TestLab;
  const weather = SERVICES.find((s) => s.name === 'weather')!;
  const proxy = weather.proxyName;

  /** A Toxiproxy API call with a plain HTTP client, as any Toxiproxy client makes it. */
  async function toxiproxy(method: string, path: string, body?: unknown): Promise<number> {
    const res = await fetch(`${lab.toxiproxy.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    await res.arrayBuffer();
    return res.status;
  }

  const toxicNames = async () => (await lab.proxies())[proxy]?.toxics.map((t) => t.name) ?? [];
  const rows = (name: string) =>
    lab.db.prepare('SELECT * FROM fault_events WHERE name = ? ORDER BY id').all(name) as FaultRow[];
  const ticks = async () => (await lab.get('/status')).body.chaos.ticks as number;

  before(async () => {
    lab = await startTestLab({
      TOXIC_PROB: '1',
      TOXICS: 'latency',
      CHAOS_INTERVAL_MS: String(CHAOS_INTERVAL_MS),
      TOXIC_DURATION_MS: '200-300',
    });
    lab.startRun('run-1', 'active');
    await lab.startManager();
  });
  after(() => lab.close());

  it('keeps a toxic added by hand mid-run and records it as a manual fault, beside the loop’s own toxics', async () => {
    await waitFor('the loop to inject on weather_proxy', async () =>
      (await toxicNames()).some((n) => n.startsWith('chaos_')),
    );
    const addedAt = Date.now();
    assert.equal(
      await toxiproxy('POST', `/proxies/${proxy}/toxics`, {
        name: 'slow_weather',
        type: 'latency',
        stream: 'downstream',
        toxicity: 1,
        attributes: { latency: 300 },
      }),
      200,
    );
    const [row] = await waitFor(
      'the manual fault event',
      () => rows('slow_weather').length > 0 && rows('slow_weather'),
    );
    assert.equal(row!.run_id, 'run-1');
    assert.equal(row!.kind, 'toxic');
    assert.deepEqual(JSON.parse(row!.trigger!), { kind: 'manual' });
    assert.equal(row!.fault, null);
    assert.equal(row!.proxy, proxy);
    assert.equal(row!.service, 'weather');
    assert.equal(row!.type, 'latency');
    assert.equal(row!.stream, 'downstream');
    assert.equal(row!.toxicity, 1);
    assert.deepEqual(JSON.parse(row!.attributes), { latency: 300, jitter: 0 });
    assert.ok(row!.started_at >= addedAt, 'opened once seen, not before it was added');
    assert.ok(row!.started_at - addedAt < 5000, `opened ${row!.started_at - addedAt} ms after it was added`);
    assert.equal(row!.ended_at, null);

    // Many ticks later (each reconciles, and the loop's toxics come and go), it is still there.
    const from = await ticks();
    await waitFor('ten more chaos ticks', async () => (await ticks()) >= from + 10);
    await waitFor('a loop toxic removed and injected again meanwhile', () =>
      lab.events('run-1').some((e) => e.name.startsWith('chaos_') && e.proxy === proxy && e.ended_at !== null),
    );
    assert.ok((await toxicNames()).includes('slow_weather'), 'the hand-made toxic stays');
    assert.equal(rows('slow_weather').length, 1, 'one event while it stays unchanged');
    assert.equal(rows('slow_weather')[0]!.ended_at, null);
  });

  it('counts the manual fault in the attribution views: an attempt through its proxy is touched by it', async () => {
    const [event] = rows('slow_weather');
    const startedAt = Date.now();
    const res = await fetch(`http://127.0.0.1:${weather.proxyPort + lab.settings.PORT_OFFSET}/health`);
    await res.arrayBuffer();
    const durationMs = Date.now() - startedAt;
    assert.ok(durationMs >= 290, `the request met the hand-made latency (${durationMs} ms)`);
    writeTransaction(lab.db, () => {
      lab.db
        .prepare(
          `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome, http_status, started_at, duration_ms)
           VALUES ('run-1', 0, 1, 'call-1', 'get_weather', 'weather', 1, 'proxy', 'ok', 200, ?, ?)`,
        )
        .run(startedAt, durationMs);
    });
    const touched = lab.db.prepare('SELECT fault_event_id FROM attempt_faults WHERE call_id = ?').all('call-1') as {
      fault_event_id: number;
    }[];
    assert.ok(
      touched.some((t) => t.fault_event_id === event!.id),
      'attempt_faults joins the manual event',
    );
    const radius = lab.db
      .prepare('SELECT attempts_touched, prompts_touched FROM fault_blast_radius WHERE fault_event_id = ?')
      .get(event!.id) as { attempts_touched: number; prompts_touched: number };
    assert.equal(radius.attempts_touched, 1);
    assert.equal(radius.prompts_touched, 1);
  });

  it('closes the event when the toxic is updated (a new one follows) and when it is removed', async () => {
    const [before] = rows('slow_weather');
    assert.equal(
      await toxiproxy('POST', `/proxies/${proxy}/toxics/slow_weather`, { attributes: { latency: 100 } }),
      200,
    );
    const changed = await waitFor(
      'the update to be recorded',
      () => rows('slow_weather').length === 2 && rows('slow_weather'),
    );
    assert.equal(changed[0]!.id, before!.id);
    assert.equal(changed[0]!.ended_by, 'changed');
    assert.deepEqual(JSON.parse(changed[1]!.attributes), { latency: 100, jitter: 0 });
    assert.equal(changed[1]!.ended_at, null);

    const removedAt = Date.now();
    assert.equal(await toxiproxy('DELETE', `/proxies/${proxy}/toxics/slow_weather`), 204);
    const [, last] = await waitFor(
      'the event to close',
      () => rows('slow_weather')[1]?.ended_at !== null && rows('slow_weather'),
    );
    assert.equal(last!.ended_by, 'removed');
    assert.ok(last!.ended_at! >= removedAt, 'closed once gone, not before');
    assert.ok(last!.ended_at! - removedAt < 5000, `closed ${last!.ended_at! - removedAt} ms after it was removed`);
    assert.ok(last!.ended_at! >= last!.started_at);
  });

  it('removes a toxic named with a lab prefix that the lab does not hold (the prefixes are the lab’s)', async () => {
    assert.equal(
      await toxiproxy('POST', `/proxies/${proxy}/toxics`, {
        name: 'plan_mine',
        type: 'latency',
        attributes: { latency: 10 },
      }),
      200,
    );
    await waitFor('plan_mine removed', async () => !(await toxicNames()).includes('plan_mine'));
    assert.equal(rows('plan_mine').length, 0, 'not recorded as a manual fault');
  });

  it('at stop: removes the lab’s toxics, leaves the user’s where it is and closes its event', async () => {
    assert.equal(
      await toxiproxy('POST', `/proxies/${proxy}/toxics`, {
        name: 'users_toxic',
        type: 'bandwidth',
        stream: 'upstream',
        attributes: { rate: 100 },
      }),
      200,
    );
    await waitFor('its event', () => rows('users_toxic').length === 1);
    await lab.manager!.close();
    assert.deepEqual(await toxicNames(), ['users_toxic']);
    const [row] = rows('users_toxic');
    assert.equal(row!.ended_by, 'manager_stopped');
    assert.ok(row!.ended_at !== null && row!.ended_at >= row!.started_at);
    const open = lab.db.prepare('SELECT COUNT(*) AS n FROM fault_events WHERE ended_at IS NULL').get() as { n: number };
    assert.equal(open.n, 0, 'no event left open');
  });
});
