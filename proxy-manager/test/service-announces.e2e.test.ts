// An agent under test (docs/your-agent.md) announces nothing: the weather service announces its
// requests to the fault schedule itself (tools/src/server/announce.ts), so a `call` trigger reaches it.
// Real proxy-manager, Toxiproxy-compatible server, weather service and SQLite; three GET /weather
// through weather_proxy with prefixed request ids c1#1, c2#1, c3#1: the 2nd meets the reset_peer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ANNOUNCED_HEADER, getService, proxyEndpoint, requestIdPrefix, writeFaultPlan } from '@chaos-lab/common';
import { startToolService, type RunningToolService } from '@chaos-lab/tools';
import { startTestLab, waitFor, type TestLab } from './support/lab.js';

describe('the tool services announce the requests of an agent under test', () => {
  let lab: TestLab;
  let weather: RunningToolService;
  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0', CHAOS_INTERVAL_MS: '100' });
    const manager = await lab.startManager();
    // The lab's weather service, again on its port, told where this manager listens.
    const original = lab.tools.find((t) => t.name === 'weather')!;
    await original.close();
    weather = await startToolService(
      'weather',
      { ...lab.settings, PROXY_MANAGER_URL: manager.url },
      {
        port: original.port,
      },
    );
  });
  after(async () => {
    await weather?.close();
    await lab?.close();
  });

  /** GET /weather through weather_proxy with `X-Request-Id: id`: `ok` with a 200, `reset`/`failed` else. */
  const get = async (id: string, city: string, more: Record<string, string> = {}): Promise<string> => {
    const { host, port } = proxyEndpoint(getService('weather'), lab.settings);
    try {
      const res = await fetch(`http://${host}:${port}/weather?city=${city}`, {
        headers: { 'x-request-id': id, connection: 'close', ...more },
      });
      const body = (await res.json()) as { city?: string };
      return res.status === 200 && body.city ? 'ok' : `HTTP ${res.status}`;
    } catch (err) {
      const code = ((err as Error).cause as NodeJS.ErrnoException | undefined)?.code;
      return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' ? 'reset' : `failed: ${code ?? (err as Error).message}`;
    }
  };

  it('the 2nd get_weather call is reset, the 1st and 3rd answered; the fault event names c2#1', async () => {
    const runId = 'http-agent';
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
    const prefix = requestIdPrefix(runId, 0, 1);
    const outcomes: string[] = [];
    for (const [k, city] of ['London', 'Tokyo', 'Paris'].entries())
      outcomes.push(await get(`${prefix}c${k + 1}#1`, city));
    assert.deepEqual(outcomes, ['ok', 'reset', 'ok']);

    const events = lab.db
      .prepare('SELECT trigger, ended_by, touched_attempts FROM fault_events WHERE run_id = ? AND fault IS NOT NULL')
      .all(runId) as Array<{ trigger: string; ended_by: string | null; touched_attempts: string | null }>;
    assert.equal(events.length, 1, JSON.stringify(events));
    assert.equal((JSON.parse(events[0]!.trigger) as { call_id: string }).call_id, `${prefix}c2`);
    assert.deepEqual(JSON.parse(events[0]!.touched_attempts ?? 'null'), [`${prefix}c2#1`]);
    const announced = lab.db
      .prepare("SELECT call_id || '#' || attempt AS id, tool FROM call_announcements WHERE run_id = ? ORDER BY id")
      .all(runId) as Array<{ id: string; tool: string }>;
    assert.deepEqual(
      announced.map((a) => `${a.tool} ${a.id}`),
      [1, 2, 3].map((k) => `get_weather ${prefix}c${k}#1`),
    );
  });

  it('an MCP tools/call is announced once, its answer the attempt that meets the fault', async () => {
    const runId = 'mcp-agent';
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
    const id = `${requestIdPrefix(runId, 0, 1)}mcp1#1`;
    const { host, port } = proxyEndpoint(getService('weather'), lab.settings);
    const call = (requestId: string) =>
      fetch(`http://${host}:${port}/mcp`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-request-id': requestId,
          connection: 'close',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'get_weather', arguments: { city: 'Oslo' } },
        }),
      }).then(
        async (res) => `HTTP ${res.status} ${await res.text()}`,
        (err: Error) => `failed: ${(err.cause as NodeJS.ErrnoException | undefined)?.code ?? err.message}`,
      );
    assert.match(await call(id), /^failed: (ECONNRESET|UND_ERR_SOCKET)/);
    // The attempt's end is reported once the MCP answer closed; the fault is closed after it.
    const touched = await waitFor('the fault event closed', () => {
      const row = lab.db
        .prepare('SELECT touched_attempts FROM fault_events WHERE run_id = ? AND fault IS NOT NULL')
        .get(runId) as { touched_attempts: string | null } | undefined;
      return row?.touched_attempts ?? undefined;
    });
    assert.deepEqual(JSON.parse(touched), [id]);
    const announced = lab.db
      .prepare("SELECT tool, call_id || '#' || attempt AS id FROM call_announcements WHERE run_id = ?")
      .all(runId);
    assert.deepEqual(announced, [{ tool: 'get_weather', id }], 'announced once: not its inner request too');
    // The next call (call 2) meets nothing: its answer carries the weather.
    assert.match(await call(`${requestIdPrefix(runId, 0, 1)}mcp2#1`), /^HTTP 200 .*Oslo/);
  });

  it("a request without the prompt prefix, or one the lab's agent announced itself, is not announced", async () => {
    const runId = 'lab-agent';
    lab.startRun(runId, 'active');
    assert.equal(await get('tool-ab12#1', 'Berlin'), 'ok');
    // The lab's own agent sends prefixed ids too, and marks the attempts it announced.
    assert.equal(await get(`${runId}/p0/a1/c1#1`, 'Berlin', { [ANNOUNCED_HEADER]: '1' }), 'ok');
    const count = lab.db.prepare('SELECT count(*) AS n FROM call_announcements WHERE run_id = ?').get(runId) as {
      n: number;
    };
    assert.equal(count.n, 0);
  });
});
