// A `call` trigger on the 2nd of two parallel get_weather calls lands on the attempt it names, every
// time: the real proxy-manager's HTTP API, the Toxiproxy-compatible server and the weather service on
// free ports, each attempt a real socket through weather_proxy, announced and reported ended as the
// agent does (holdMaxMs, then `ended`). Three orders, cycled over 10 repetitions:
//   together   both calls announced at once;
//   in flight  call 1 is still sending through the proxy when call 2 (named) is announced: the fault
//              waits for it, else its open connection would be reset;
//   retry      call 1 retries while call 2's fault is in place: the retry is held until the fault is
//              removed (before, it ended the fault "by another call of the tool" and met nothing).
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { getService, proxyEndpoint, writeFaultPlan } from '@chaos-lab/common';
import { startTestLab, type TestLab } from './support/lab.js';

/** An attempt as the test's agent saw it. */
interface Sent {
  id: string;
  outcome: 'ok' | 'reset' | 'closed';
  startedAt: number;
  endedAt: number;
}

const HOLD_MAX_MS = 30_000;
const ORDERS = ['together', 'in flight', 'retry'] as const;

describe('call trigger on one of two parallel calls', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0', CHAOS_INTERVAL_MS: '100' });
    await lab.startManager();
  });
  after(async () => {
    await lab.close();
  });

  const post = async (body: object): Promise<void> => {
    const res = await fetch(`${lab.manager!.url}/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 200, await res.text());
  };

  /** GET /weather through weather_proxy on a fresh socket; the request's last line after `slowMs`. */
  const get = (city: string, slowMs: number): Promise<Sent['outcome']> =>
    new Promise((resolve) => {
      const { host, port } = proxyEndpoint(getService('weather'), lab.settings);
      const socket = connect(port, host);
      let answer = '';
      socket.on('data', (d) => (answer += d.toString()));
      socket.on('error', (err) => resolve((err as NodeJS.ErrnoException).code === 'ECONNRESET' ? 'reset' : 'closed'));
      socket.on('end', () => resolve(answer.startsWith('HTTP/1.1 200') && answer.includes('"city"') ? 'ok' : 'closed'));
      socket.on('connect', () => {
        socket.write(`GET /weather?city=${city} HTTP/1.1\r\nHost: weather\r\n`);
        setTimeout(() => socket.write('Connection: close\r\n\r\n'), slowMs);
      });
    });

  /** One attempt as the agent makes it: announced, sent once acknowledged, its end reported. */
  const attempt = async (runId: string, callId: string, n: number, city: string, slowMs = 0): Promise<Sent> => {
    const a = { runId, promptIndex: 0, tool: 'get_weather', callId, attempt: n };
    await post({ ...a, holdMaxMs: HOLD_MAX_MS });
    const startedAt = Date.now();
    const outcome = await get(city, slowMs);
    const endedAt = Date.now();
    await post({ ...a, ended: { sent: true, more: outcome !== 'ok' } });
    return { id: `${callId}#${n}`, outcome, startedAt, endedAt };
  };

  /** Both calls of one repetition in `order`; resolves with every attempt sent. */
  async function calls(runId: string, order: (typeof ORDERS)[number]): Promise<Sent[]> {
    if (order === 'together')
      return Promise.all([attempt(runId, 'london', 1, 'London'), attempt(runId, 'tokyo', 1, 'Tokyo')]);
    if (order === 'in flight') {
      // London's announcement is acknowledged first: it is call 1; Tokyo, call 2, announces while it sends.
      const london = attempt(runId, 'london', 1, 'London', 150);
      await new Promise((resolve) => setTimeout(resolve, 30));
      return Promise.all([london, attempt(runId, 'tokyo', 1, 'Tokyo')]);
    }
    const london = await attempt(runId, 'london', 1, 'London');
    const tokyo = attempt(runId, 'tokyo', 1, 'Tokyo', 150);
    await new Promise((resolve) => setTimeout(resolve, 30));
    // London's second attempt (a retry as far as the schedule can tell) comes while Tokyo's fault is in place.
    return [london, ...(await Promise.all([attempt(runId, 'london', 2, 'London'), tokyo]))];
  }

  it('lands on the named attempt in 10 of 10 repetitions, whatever the order; the others meet nothing', async () => {
    const landed: string[] = [];
    for (let rep = 0; rep < 10; rep++) {
      const order = ORDERS[rep % ORDERS.length]!;
      const runId = `parallel-${rep}`;
      lab.startRun(runId, 'active');
      writeFaultPlan(lab.db, runId, {
        faults: [
          {
            kind: 'toxic',
            name: 'reset-2nd-weather',
            type: 'reset_peer',
            attributes: { timeout: 0 },
            stream: 'downstream',
            toxicity: 1,
            targets: ['weather'],
            trigger: { kind: 'call', tool: 'get_weather', n: 2, attempts: 1 },
          },
        ],
      });
      const sent = await calls(runId, order);
      const event = lab.db
        .prepare(
          'SELECT trigger, started_at, ended_at, ended_by, touched_attempts FROM fault_events WHERE run_id = ? AND fault IS NOT NULL',
        )
        .all(runId) as Array<{
        trigger: string;
        started_at: number;
        ended_at: number;
        ended_by: string;
        touched_attempts: string;
      }>;
      const where = `repetition ${rep} (${order})`;
      assert.equal(event.length, 1, `${where}: one fault fired`);
      const fault = event[0]!;
      const named = `${(JSON.parse(fault.trigger) as { call_id: string }).call_id}#1`;
      assert.equal(fault.ended_by, 'trigger', where);
      assert.deepEqual(JSON.parse(fault.touched_attempts), [named], `${where}: the record names what it touched`);
      for (const s of sent) {
        const overlaps = s.startedAt < fault.ended_at && s.endedAt >= fault.started_at;
        if (s.id === named) {
          assert.equal(s.outcome, 'reset', `${where}: the named attempt ${s.id} met the reset`);
          assert.ok(
            fault.started_at <= s.startedAt && fault.ended_at >= s.endedAt,
            `${where}: in place all along ${s.id}`,
          );
        } else {
          assert.equal(s.outcome, 'ok', `${where}: ${s.id} met nothing`);
          assert.ok(
            !overlaps,
            `${where}: ${s.id} [${s.startedAt}, ${s.endedAt}] is outside the fault [${fault.started_at}, ${fault.ended_at})`,
          );
        }
      }
      const held = lab.db
        .prepare(
          "SELECT call_id || '#' || attempt AS id, held_ms, held_by FROM call_announcements WHERE run_id = ? AND held_ms > 0",
        )
        .all(runId) as Array<{ id: string; held_ms: number; held_by: string }>;
      if (order !== 'together') assert.ok(held.length > 0, `${where}: an attempt waited (${JSON.stringify(held)})`);
      landed.push(`${order}: ${named} reset; held ${held.map((h) => `${h.id} ${h.held_ms} ms`).join(', ') || 'none'}`);
    }
    assert.equal(landed.length, 10);
    console.log(landed.join('\n'));
  });

  it('a fault whose attempt was never sent is recorded as touching no attempt', async () => {
    const runId = 'never-sent';
    lab.startRun(runId, 'active');
    writeFaultPlan(lab.db, runId, {
      faults: [
        {
          kind: 'toxic',
          name: 'reset-1st-weather',
          type: 'reset_peer',
          attributes: { timeout: 0 },
          stream: 'downstream',
          toxicity: 1,
          targets: ['weather'],
          trigger: { kind: 'call', tool: 'get_weather', n: 1, attempts: 1 },
        },
      ],
    });
    const a = { runId, promptIndex: 0, tool: 'get_weather', callId: 'cancelled', attempt: 1 };
    await post({ ...a, holdMaxMs: HOLD_MAX_MS });
    // The prompt's deadline came between the acknowledgement and the first byte.
    await post({ ...a, ended: { sent: false, more: false } });
    const row = lab.db
      .prepare('SELECT ended_by, touched_attempts FROM fault_events WHERE run_id = ? AND fault IS NOT NULL')
      .get(runId) as { ended_by: string | null; touched_attempts: string | null };
    assert.deepEqual(row, { ended_by: 'trigger', touched_attempts: '[]' });
  });
});
