// The fault schedule: each trigger kind fires and ends at the right moment, read from the records
// (fault_events, call_announcements, Toxiproxy's own proxies, the tool service's answers), never from
// sleeps; rollback when the run ends; POST /calls validation.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { formatEndpoint, getService, partStarted, toolEndpoint, writeFaultPlan, type Fault } from '@chaos-lab/common';
import { startTestLab, toxicsOnProxies, waitFor, type TestLab } from './support/lab.js';

interface PlannedRow {
  id: number;
  fault: string;
  kind: string;
  service: string;
  type: string;
  trigger: string;
  started_at: number;
  ended_at: number | null;
  ended_by: string | null;
}

describe('fault plan: triggers fire and end by the record', () => {
  let lab: TestLab;
  let runs = 0;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0', CHAOS_INTERVAL_MS: '100' });
    await lab.startManager();
  });
  after(async () => {
    await lab.close();
  });

  const planned = (runId: string): PlannedRow[] =>
    lab.db
      .prepare(
        'SELECT id, fault, kind, service, type, trigger, started_at, ended_at, ended_by FROM fault_events WHERE run_id = ? AND fault IS NOT NULL ORDER BY id',
      )
      .all(runId) as PlannedRow[];

  /** Starts a run with `faults` as its plan, in phase active (current prompt 0). */
  function runWith(faults: Fault[]): string {
    const runId = `plan-run-${++runs}`;
    lab.startRun(runId, 'active');
    writeFaultPlan(lab.db, runId, { faults });
    return runId;
  }

  async function announce(
    runId: string,
    promptIndex: number,
    tool: string,
    callId: string,
    attempt: number,
  ): Promise<string[]> {
    const res = await fetch(`${lab.manager!.url}/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId, promptIndex, tool, callId, attempt }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { faults: string[] }).faults;
  }

  const latency = (name: string, trigger: Fault['trigger']): Fault => ({
    kind: 'toxic',
    name,
    type: 'latency',
    attributes: { latency: 50 },
    stream: 'downstream',
    toxicity: 1,
    targets: ['weather'],
    trigger,
  });

  it('call: in place before the Nth call of the tool is acknowledged, gone before its attempt after the first `attempts`', async () => {
    const runId = runWith([latency('second-weather-call', { kind: 'call', tool: 'get_weather', n: 2, attempts: 1 })]);
    assert.deepEqual(await announce(runId, 0, 'get_weather', 'c1', 1), []);
    assert.deepEqual(await announce(runId, 0, 'translate', 'c2', 1), []);
    assert.deepEqual(planned(runId), []);
    assert.deepEqual(await announce(runId, 0, 'get_weather', 'c3', 1), ['second-weather-call']);
    // At the acknowledgement the toxic is on the proxy and recorded, with the call that fired it.
    assert.deepEqual(await toxicsOnProxies(lab), ['weather_proxy/plan_second-weather-call_weather']);
    const [fired] = planned(runId);
    assert.equal(fired!.ended_at, null);
    assert.deepEqual(JSON.parse(fired!.trigger), { kind: 'call', tool: 'get_weather', n: 2, call_id: 'c3' });
    assert.deepEqual(await announce(runId, 0, 'get_weather', 'c3', 2), []);
    assert.deepEqual(await toxicsOnProxies(lab), []);
    assert.equal(planned(runId)[0]!.ended_by, 'trigger');
    const recorded = lab.db
      .prepare('SELECT call_id, attempt, faults FROM call_announcements WHERE run_id = ? ORDER BY id')
      .all(runId) as Array<{ call_id: string; attempt: number; faults: string }>;
    assert.deepEqual(
      recorded.map((r) => `${r.call_id}#${r.attempt} ${r.faults}`),
      ['c1#1 []', 'c2#1 []', 'c3#1 ["second-weather-call"]', 'c3#2 []'],
    );
  });

  it('first_attempts: the service answers the planned HTTP error to the first K attempts, then its result', async () => {
    const runId = runWith([
      {
        kind: 'http_error',
        name: 'weather-503',
        status: 503,
        retryAfterS: 2,
        body: 'overloaded',
        targets: ['weather'],
        trigger: { kind: 'first_attempts', tool: 'get_weather', k: 2 },
      },
    ]);
    const url = `http://${formatEndpoint(toolEndpoint(getService('weather'), lab.settings))}/weather?city=Paris`;
    assert.deepEqual(await announce(runId, 0, 'get_weather', 'w1', 1), ['weather-503']);
    const failed = await fetch(url);
    assert.equal(failed.status, 503);
    assert.equal(failed.headers.get('retry-after'), '2');
    assert.equal(failed.headers.get('x-chaos-fault'), 'planned');
    assert.deepEqual(await failed.json(), { error: 'overloaded', fault: 'weather-503', planned: true });
    assert.deepEqual(await announce(runId, 0, 'get_weather', 'w1', 2), ['weather-503']);
    assert.deepEqual(await announce(runId, 0, 'get_weather', 'w1', 3), []);
    assert.equal((await fetch(url)).status, 200);
    const rows = planned(runId);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.kind, 'http_error');
    assert.equal(rows[0]!.ended_by, 'trigger');
  });

  it('prompt: fires at the first call of prompt N (before its first byte) and ends at another prompt', async () => {
    const runId = runWith([latency('prompt-two', { kind: 'prompt', n: 2 })]);
    assert.deepEqual(await announce(runId, 0, 'get_weather', 'p0', 1), []);
    assert.deepEqual(await announce(runId, 1, 'get_weather', 'p1', 1), ['prompt-two']);
    assert.deepEqual(JSON.parse(planned(runId)[0]!.trigger), { kind: 'prompt', prompt: 2, via: 'call' });
    assert.deepEqual(await announce(runId, 2, 'get_weather', 'p2', 1), []);
    assert.equal(planned(runId)[0]!.ended_by, 'trigger');
  });

  it('prompt: a chaos tick that reads prompt N as the current prompt fires it too', async () => {
    const runId = runWith([latency('tick-prompt', { kind: 'prompt', n: 3, durationMs: 60_000 })]);
    lab.db.prepare('UPDATE control SET current_prompt = 2, heartbeat_at = ? WHERE run_id = ?').run(Date.now(), runId);
    const row = await waitFor('the prompt fault fired by a tick', () => planned(runId)[0]);
    assert.deepEqual(JSON.parse(row.trigger), { kind: 'prompt', prompt: 3, via: 'tick' });
    lab.setPhase(runId, 'done');
    const ended = await waitFor('the rollback of the prompt fault', () =>
      planned(runId).find((r) => r.ended_at !== null),
    );
    assert.equal(ended.ended_by, 'rollback');
    assert.deepEqual(await toxicsOnProxies(lab), []);
  });

  it('window: fires from fromMs after the run started and ends at toMs', async () => {
    const runId = runWith([latency('window', { kind: 'window', fromMs: 200, toMs: 700 })]);
    const startedAt = (
      lab.db.prepare('SELECT started_at FROM runs WHERE run_id = ?').get(runId) as { started_at: number }
    ).started_at;
    const row = await waitFor('the window fault ended', () => planned(runId).find((r) => r.ended_at !== null), 10_000);
    assert.ok(row.started_at - startedAt >= 200, `fired ${row.started_at - startedAt} ms after the start`);
    // Ends at 700 ms: its timer, on a loaded machine later.
    assert.ok(
      row.ended_at! - startedAt >= 700 && row.ended_at! - startedAt < 700 + 5000,
      `ended ${row.ended_at! - startedAt} ms after the start`,
    );
    assert.equal(row.ended_by, 'duration');
  });

  it('random: fires on active ticks with its probability, for a duration from its range, and again after', async () => {
    const runId = runWith([latency('coin', { kind: 'random', probability: 1, durationMs: [150, 150] })]);
    const rows = await waitFor(
      'two random firings',
      () => (planned(runId).filter((r) => r.ended_at !== null).length >= 2 ? planned(runId) : undefined),
      10_000,
    );
    for (const r of rows.filter((x) => x.ended_at !== null)) {
      assert.equal(r.ended_by, 'duration');
      assert.ok(r.ended_at! - r.started_at >= 150 - 5, `held ${r.ended_at! - r.started_at} ms`);
    }
    assert.ok(rows[1]!.started_at >= rows[0]!.ended_at!, 'one at a time per target');
    lab.setPhase(runId, 'done');
    await waitFor('no planned fault open', () => planned(runId).every((r) => r.ended_at !== null));
  });

  it('service pause: SIGSTOP at the firing, SIGCONT when it ends', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      partStarted(lab.db, 'tool:calculator', child.pid!, Date.now());
      const state = () => readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.charAt(0);
      const runId = runWith([
        {
          kind: 'service',
          name: 'freeze',
          action: 'pause',
          targets: ['calculator'],
          trigger: { kind: 'call', tool: 'calculate', n: 1, attempts: 1 },
        },
      ]);
      assert.deepEqual(await announce(runId, 0, 'calculate', 'k1', 1), ['freeze']);
      assert.equal(state(), 'T');
      await announce(runId, 0, 'calculate', 'k1', 2);
      assert.notEqual(state(), 'T');
      assert.equal(planned(runId)[0]!.type, 'pause');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('POST /calls refuses a bad announcement with a 400 naming the field', async () => {
    const res = await fetch(`${lab.manager!.url}/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId: 'x', tool: 'get_weather' }),
    });
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as { error: string }).error, /^promptIndex: /);
  });
});
