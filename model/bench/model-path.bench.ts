/**
 * Benchmark of the model path (`npm run bench` / `node scripts/run-bench.js model`): what the lab adds
 * to a model request. The p50 and p90 of one non-streamed completion (the weather prompt with its tool,
 * `OFFLINE_MODEL_LATENCY_MS=0`), on keep-alive connections, four ways, interleaved request by request
 * so a change in the machine's load hits every way alike:
 *
 *   direct    the offline answerer called in this process (no HTTP): the model itself
 *   server    HTTP to the model server with no fault source (HTTP, JSON, the wire format)
 *   gateway   HTTP to the model server whose gateway announces the request to the fault schedule
 *             (POST /calls on the schedule's own server, which records it in call_announcements: the
 *             run has a plan with an llm fault that never fires) and reads the run's open llm event
 *   proxied   the same through model_proxy (the project's Toxiproxy server, no toxic): the lab's path
 *
 * The added latency of the model path is proxied − direct (and its parts: server − direct, gateway −
 * server, proxied − gateway). Everything runs in this one process (client, servers, schedule): on a
 * loaded machine the figures include that contention. Settings: `BENCH_MODEL_REQUESTS` (per way,
 * default 300).
 */
import { loadavg } from 'node:os';
import { migrate, openDatabase, writeFaultPlan } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { startScheduleServer } from '@chaos-lab/proxy-manager';
import { startToxiproxyServer } from '@chaos-lab/toxiproxy';
import { HumanMessage } from '@langchain/core/messages';
import { OfflineChatModel, startModelServer } from '../src/index.js';

const REQUESTS = Number(process.env.BENCH_MODEL_REQUESTS ?? 300);
const WARMUP = 30;
const PROMPT = 'What is the weather in Paris?';
const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'the weather now in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
} as const;
const BODY = JSON.stringify({
  model: 'chaos-lab-offline',
  messages: [{ role: 'user', content: PROMPT }],
  tools: [WEATHER_TOOL],
});
const RUN_ID = 'bench-model-path';

const tmp = makeTempDir('model-bench-');
const settings = testSettings(tmp.path, { LOG_LEVEL: 'warn' });
const db = openDatabase(settings.LAB_DB_PATH);
migrate(db);
db.prepare('INSERT INTO runs (run_id, started_at, seed) VALUES (?, ?, 1)').run(RUN_ID, Date.now());
// A plan with an llm fault that never fires (a model call far beyond the run's): the schedule counts
// and records every announcement, as in a run with LLM faults, and no request is faulted.
writeFaultPlan(db, RUN_ID, {
  faults: [
    {
      kind: 'llm',
      name: 'never',
      type: 'rate_limit',
      targets: ['model'],
      trigger: { kind: 'call', tool: 'model', n: 1_000_000_000, attempts: 1 },
    },
  ],
});

const schedule = await startScheduleServer(settings);
const plain = await startModelServer(settings, { port: 0, host: '127.0.0.1', faults: () => undefined });
const gateway = await startModelServer(testSettings(tmp.path, { LOG_LEVEL: 'warn', PROXY_MANAGER_URL: schedule.url }), {
  port: 0,
  host: '127.0.0.1',
});
const toxiproxy = await startToxiproxyServer({ port: 0, seed: 1 });
const created = await fetch(`${toxiproxy.url}/proxies`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'model_proxy', listen: '127.0.0.1:0', upstream: `127.0.0.1:${gateway.port}` }),
});
const proxyPort = Number(((await created.json()) as { listen: string }).listen.split(':').at(-1));

const model = new OfflineChatModel({ latencyMs: 0 }).bindTools!([WEATHER_TOOL]);
let request = 0;
const ways: Record<string, () => Promise<unknown>> = {
  direct: () => model.invoke([new HumanMessage(PROMPT)]),
  server: () => post(`${plain.baseUrl}/chat/completions`),
  gateway: () => post(`${gateway.baseUrl}/chat/completions`),
  proxied: () => post(`http://127.0.0.1:${proxyPort}/v1/chat/completions`),
};

/** One completion over HTTP, as the agent's client sends it (run, prompt and request id headers). */
async function post(url: string): Promise<void> {
  request++;
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'X-Chaos-Run': RUN_ID,
      'X-Chaos-Prompt': '0',
      'X-Request-Id': `model-${request}#1`,
    },
    body: BODY,
  });
  if (res.status !== 200) throw new Error(`${url}: HTTP ${res.status}`);
  await res.arrayBuffer();
}

const times: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((w) => [w, []]));
for (let i = 0; i < WARMUP + REQUESTS; i++) {
  for (const [name, run] of Object.entries(ways)) {
    const start = performance.now();
    await run();
    if (i >= WARMUP) times[name]!.push(performance.now() - start);
  }
}
const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))]!;
const p50 = Object.fromEntries(Object.entries(times).map(([w, t]) => [w, pct(t, 50)])) as Record<
  keyof typeof ways,
  number
>;
const out = (line: string) => process.stdout.write(`${line}\n`);
out(
  `model path, ${REQUESTS} requests per way, interleaved; load average ${loadavg()[0]!.toFixed(1)} on ${process.platform}`,
);
for (const [w, t] of Object.entries(times))
  out(`  ${w.padEnd(8)} p50 ${pct(t, 50).toFixed(2).padStart(7)} ms   p90 ${pct(t, 90).toFixed(2).padStart(7)} ms`);
out(`added at p50: model path (proxied − direct) ${(p50.proxied - p50.direct).toFixed(2)} ms`);
out(
  `  of which HTTP + wire format (server − direct) ${(p50.server - p50.direct).toFixed(2)} ms, gateway's schedule (gateway − server) ${(p50.gateway - p50.server).toFixed(2)} ms, model_proxy (proxied − gateway) ${(p50.proxied - p50.gateway).toFixed(2)} ms`,
);
const announced = (
  db.prepare("SELECT COUNT(*) AS n FROM call_announcements WHERE run_id = ? AND tool = 'model'").get(RUN_ID) as {
    n: number;
  }
).n;
out(
  `the schedule recorded ${announced} model call announcements (gateway + proxied requests: ${2 * (WARMUP + REQUESTS)})`,
);

await toxiproxy.close();
await gateway.close();
await plain.close();
await schedule.close();
db.close();
tmp.cleanup();
