// MCP: every tool service is an MCP server at /mcp (Streamable HTTP). The SDK's own client lists and
// calls the seven services' tools through their proxies and meets their toxics; the lab's agent with
// TOOL_TRANSPORT=mcp records each attempt with its outcome as over HTTP.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { labServices } from '@chaos-lab/common';
import { z } from 'zod';
import { runAgent } from '../src/index.js';
import { TOOL_SPECS } from '../src/tool-calls/tool-specs.js';
import { type ProxiedLab, type TestLab, startProxies, startTestLab } from './support/lab.js';

/** One call per service, with the arguments its tool takes. */
const CALLS: Record<string, [string, Record<string, unknown>]> = {
  search: ['search_web', { query: 'chaos engineering' }],
  weather: ['get_weather', { city: 'Paris' }],
  movie: ['search_movie', { query: 'Matrix' }],
  calendar: ['get_events', { date: '2030-01-15' }],
  calculator: ['calculate', { expression: '15 * 23 + 47' }],
  message: ['send_message', { to: 'Alice', body: 'hello' }],
  translator: ['translate', { text: 'good morning', source_language: 'en', target_language: 'fr' }],
};

type CallRow = {
  prompt_index: number;
  attempt: number;
  via: string;
  outcome: string;
  http_status: number | null;
  attempt_id: string;
};

describe('MCP at every tool service, through its proxy', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  const clients = new Map<string, Client>();
  before(async () => {
    lab = await startTestLab({
      LLM_PROVIDER: 'offline',
      TOOL_LIMIT: '2',
      PROXY_TIMEOUT_MS: '500',
      FALLBACK_TIMEOUT_MS: '3000',
    });
    proxied = await startProxies(lab);
    for (const [name, proxy] of proxied.proxies) {
      const client = new Client({ name: 'mcp-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`http://${proxy.listen}/mcp`)));
      clients.set(name, client);
    }
  });
  after(async () => {
    await Promise.all([...clients.values()].map((c) => c.close()));
    await proxied?.close();
    await lab?.close();
  });

  it("the SDK client lists each service's declared tools and calls them through the proxies", async () => {
    const declared = labServices(lab.settings);
    assert.equal(clients.size, 7);
    for (const service of declared) {
      const client = clients.get(service.name)!;
      const { tools } = await client.listTools();
      assert.deepEqual(
        tools.map((t) => t.name),
        service.tools.map((t) => t.name),
        service.name,
      );
      const [tool, args] = CALLS[service.name]!;
      const result = (await client.callTool({ name: tool, arguments: args })) as {
        isError?: boolean;
        content: Array<{ text: string }>;
        _meta?: Record<string, unknown>;
      };
      assert.equal(result.isError, false, `${tool}: ${result.content[0]?.text}`);
      assert.ok([200, 201].includes(result._meta?.['chaos-lab/http_status'] as number), `${tool} status`);
    }
    const calc = (await clients
      .get('calculator')!
      .callTool({ name: 'calculate', arguments: { expression: '15 * 23 + 47' } })) as {
      content: Array<{ text: string }>;
    };
    assert.match(calc.content[0]!.text, /392/);
  });

  it('a toxic on a proxy reaches MCP calls: latency slows them, a timeout toxic holds them past the deadline', async () => {
    const weather = clients.get('weather')!;
    const call = async () => {
      const started = performance.now();
      await weather.callTool({ name: 'get_weather', arguments: { city: 'Paris' } }, undefined, { timeout: 1500 });
      return performance.now() - started;
    };
    const proxy = proxied.proxies.get('weather')!;
    const latency = await proxy.addToxic({
      name: 'slow',
      type: 'latency',
      stream: 'downstream',
      toxicity: 1,
      attributes: { latency: 600, jitter: 0 },
    });
    try {
      const slowMs = await call();
      assert.ok(slowMs >= 580, `a call under 600 ms of latency took ${Math.round(slowMs)} ms`);
    } finally {
      await latency.remove();
    }
    const held = await proxy.addToxic({
      name: 'held',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    try {
      await assert.rejects(call(), /timed out|timeout/i);
    } finally {
      await held.remove();
    }
    assert.ok((await call()) < 1500, 'answers again once the toxic is gone');
  });

  it('the agent with TOOL_TRANSPORT=mcp records every attempt with its outcome, and a write happens once', async () => {
    const blackhole = await proxied.proxies.get('calendar')!.addToxic({
      name: 'calendar_blackhole',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    try {
      const summary = await runAgent(
        { ...lab.settings, TOOL_TRANSPORT: 'mcp' },
        {
          promptsFile: lab.promptsFile([
            "Put 'MCP Review' on my calendar for 2031-02-03 at 09:30",
            "What's the weather like in Paris today?",
          ]),
          runId: 'mcp-transport',
          endpoints: proxied.endpoints,
        },
      );
      assert.equal(summary.status, 'completed');
    } finally {
      await blackhole.remove();
    }
    const rows = lab.rows<CallRow>('SELECT * FROM tool_calls WHERE run_id = ? ORDER BY id', 'mcp-transport');
    const show = (index: number) =>
      rows
        .filter((r) => r.prompt_index === index)
        .map((r) => `${r.attempt}:${r.via}:${r.outcome}:${r.http_status ?? '-'}`);
    assert.deepEqual(show(0), ['1:proxy:timeout:-', '2:proxy:timeout:-', '3:direct:ok:201']);
    assert.deepEqual(show(1), ['1:proxy:ok:200']);
    const day = await fetch(`${lab.services.get('calendar')!.url}/events?date=2031-02-03`).then(
      (r) => r.json() as Promise<{ events: { title: string }[] }>,
    );
    assert.deepEqual(
      day.events.map((e) => e.title),
      ['MCP Review'],
      'one request_id over MCP: the write happened once',
    );
  });

  it('with IDEMPOTENCY_KEYS=per-attempt each MCP attempt carries its own request_id, so every attempt that reached the calendar writes', async () => {
    const blackhole = await proxied.proxies.get('calendar')!.addToxic({
      name: 'calendar_blackhole',
      type: 'timeout',
      stream: 'downstream',
      toxicity: 1,
      attributes: { timeout: 0 },
    });
    try {
      await runAgent(
        { ...lab.settings, TOOL_TRANSPORT: 'mcp', IDEMPOTENCY_KEYS: 'per-attempt' },
        {
          promptsFile: lab.promptsFile(["Put 'Per Attempt' on my calendar for 2031-03-04 at 10:00"]),
          runId: 'mcp-per-attempt',
          endpoints: proxied.endpoints,
        },
      );
    } finally {
      await blackhole.remove();
    }
    const day = await fetch(`${lab.services.get('calendar')!.url}/events?date=2031-03-04`).then(
      (r) => r.json() as Promise<{ events: { title: string }[] }>,
    );
    assert.deepEqual(
      day.events.map((e) => e.title),
      ['Per Attempt', 'Per Attempt', 'Per Attempt'],
      'two held attempts and the fallback each wrote',
    );
  });

  it("lab.yaml declares the same ten tools as the agent's own specs (names, descriptions, required arguments)", () => {
    const declared = labServices(lab.settings).flatMap((s) => s.tools);
    assert.deepEqual(
      declared.map((t) => t.name),
      TOOL_SPECS.map((s) => s.name),
    );
    for (const spec of TOOL_SPECS) {
      const tool = declared.find((t) => t.name === spec.name)!;
      assert.equal(tool.description, spec.description, spec.name);
      const own = z.toJSONSchema(spec.schema, { io: 'input' }) as { required?: string[]; properties?: object };
      assert.deepEqual(tool.arguments.required ?? [], own.required ?? [], `${spec.name} required`);
      assert.deepEqual(
        Object.keys(tool.arguments.properties ?? {}),
        Object.keys(own.properties ?? {}),
        `${spec.name} properties`,
      );
    }
  });
});
