import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { steeringState } from '@chaos-lab/common';
import { startTestLab, waitFor, type TestLab } from './support/lab.js';

/** The fields of the manager's `/steering` answers that these tests read. */
interface SteeringAnswer {
  error: string;
  recorded: string[];
  inForce: Record<string, unknown>;
  runId: string;
}

/** POSTs JSON to the manager; returns the status and body. */
async function post(
  lab: TestLab,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: SteeringAnswer }> {
  const res = await fetch(`${lab.manager!.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as SteeringAnswer };
}

describe('steering a run through the proxy-manager', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0', ERROR_PROB: '0', TOXICS: 'latency', TOXIC_DURATION_MS: '300-600' });
    await lab.startManager();
  });
  after(() => lab.close());

  it('refuses to steer when no run is live (409)', async () => {
    const { status, body } = await post(lab, '/steering', { TOXIC_PROB: 1 });
    assert.equal(status, 409);
    assert.match(body.error, /no live run/);
  });

  it('answers a bad change with a 400 naming the field, and records nothing', async () => {
    lab.startRun('run-1', 'active');
    for (const [body, field] of [
      [{ TOXIC_PROB: 1.5 }, /TOXIC_PROB/],
      [{ ERROR_PROB: 'high' }, /ERROR_PROB/],
      [{ TOXICS: 'latency,bogus' }, /TOXICS/],
      [{ chaos: 'sleeping' }, /chaos/],
      [{}, /nothing to change/],
      [{ TOXIC_PROB: 0.5, extra: 1 }, /extra|unrecognized/i],
    ] as const) {
      const answer = await post(lab, '/steering', body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error, field);
    }
    assert.equal((lab.db.prepare('SELECT COUNT(*) AS n FROM steering_changes').get() as { n: number }).n, 0);
  });

  it('refuses a cross-site request (403), as Toxiproxy refuses browsers', async () => {
    const a = await post(lab, '/steering', { TOXIC_PROB: 1 }, { origin: 'http://evil.example' });
    const b = await post(lab, '/steering/abort', {}, { 'sec-fetch-site': 'cross-site' });
    assert.deepEqual([a.status, b.status], [403, 403]);
    assert.equal((lab.db.prepare('SELECT COUNT(*) AS n FROM steering_changes').get() as { n: number }).n, 0);
  });

  it('a TOXIC_PROB change takes effect at the next ticks and is recorded with its time', async () => {
    const at = Date.now();
    const { status, body } = await post(lab, '/steering', { TOXIC_PROB: 1, source: 'test' });
    assert.equal(status, 200);
    assert.deepEqual(body.recorded, ['TOXIC_PROB']);
    assert.equal(body.inForce.TOXIC_PROB, 1);
    const row = lab.db
      .prepare("SELECT at, value, previous, source FROM steering_changes WHERE setting = 'TOXIC_PROB'")
      .get() as { at: number; value: string; previous: string; source: string };
    assert.ok(row.at >= at && row.at <= Date.now());
    assert.deepEqual([row.value, row.previous, row.source], ['1', '0', 'test']);
    await waitFor('toxics injected', () => lab.events('run-1').length >= 3);
    assert.equal((await lab.get('/status')).body.chaos.toxicProb, 1);
  });

  it('pausing removes the toxics and injects none until resumed', async () => {
    assert.equal((await post(lab, '/steering', { chaos: 'paused' })).status, 200);
    await waitFor('every toxic removed', () => lab.events('run-1').every((e) => e.ended_at !== null));
    const count = lab.events('run-1').length;
    const ticks = (await lab.get('/status')).body.chaos.ticks as number;
    await waitFor('five more ticks', async () => (await lab.get('/status')).body.chaos.ticks >= ticks + 5);
    assert.equal(lab.events('run-1').length, count, 'no injection while paused');
    assert.equal((await lab.get('/status')).body.chaos.paused, true);
    assert.equal((await post(lab, '/steering', { chaos: 'running' })).status, 200);
    await waitFor('injections again', () => lab.events('run-1').length > count);
  });

  it('an ERROR_PROB change reaches the tool services through the record', async () => {
    const weather = lab.tools.find((t) => t.name === 'weather')!;
    const before = await fetch(`${weather.url}/weather?city=Paris`);
    assert.equal(before.status, 200);
    assert.equal((await post(lab, '/steering', { ERROR_PROB: 1 })).status, 200);
    const res = await fetch(`${weather.url}/weather?city=Paris`);
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as { error: string }).error, /ERROR_PROB=1/);
    assert.equal(steeringState(lab.db, 'run-1').ERROR_PROB, 1);
  });

  it('records an abort (202), and a new run starts from its own settings', async () => {
    const { status, body } = await post(lab, '/steering/abort', {});
    assert.equal(status, 202);
    assert.equal(body.runId, 'run-1');
    assert.ok(steeringState(lab.db, 'run-1').abortRequestedAt! > 0);
    lab.startRun('run-2', 'active');
    const { body: state } = await lab.get('/steering');
    assert.equal(state.runId, 'run-2');
    assert.deepEqual(state.inForce, {
      paused: false,
      TOXIC_PROB: 0,
      ERROR_PROB: 0,
      TOXICS: ['latency'],
      abortRequestedAt: null,
    });
    assert.deepEqual(state.changes, []);
  });
});
