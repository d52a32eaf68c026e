/**
 * Benchmark of the Toxiproxy-compatible server on loopback (`npm run bench` / `node scripts/run-bench.js
 * toxiproxy`). The servers and the upstreams run in child processes; the clients run here.
 *
 * Every figure is measured against our server and, when one can be found (`TOXIPROXY_SERVER_BIN`, or
 * `toxiproxy-server` on PATH), against a real Toxiproxy in the same run, with the ratio ours / real:
 * requests/s direct vs proxied (no toxics) under a concurrent load (autocannon); p50/p99 of one
 * keep-alive HTTP client direct vs proxied and the added latency; bulk TCP MB/s; p50/p99/max of requests
 * through a 100 ms latency toxic on the downstream and on the upstream stream. Each figure is shown
 * against its target (stated with each figure) and what real Toxiproxy 2.12.0 measured on a 2-core machine.
 *
 * Settings: `BENCH_SECONDS` (each load round, default 2), `BENCH_LATENCY_REQUESTS` (per latency figure,
 * default 100), `BENCH_BUSY_LOOPS` (shell busy loops run beside the benchmark to load the machine,
 * default 0), `TOXIPROXY_SERVER_BIN` (a real server's executable).
 */
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBusyLoops } from './support/busy-loops.js';
import { bulk, load, percentile, sequential } from './support/measure.js';
import { findRealServer, startExecutableServer, startOwnServer, type BenchServer } from './support/servers.js';

const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 100);
const BUSY_LOOPS = Number(process.env.BENCH_BUSY_LOOPS ?? 0);
const LOAD_ROUNDS = 3;
const LOAD_CONNECTIONS = 50;
const SEQUENTIAL_REQUESTS = 3000;
const BULK_BYTES = 256 * 1024 * 1024;
const LATENCY_MS = 100;

/** The upstreams (`support/upstream.ts`) in a child process. */
async function startUpstreams(): Promise<{ ports: { http: number; sink: number }; stop: () => void }> {
  const script = fileURLToPath(new URL('./support/upstream.ts', import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { ports: JSON.parse(line) as { http: number; sink: number }, stop: () => child.kill('SIGTERM') };
}

async function apiCall(url: string, method: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(url + path, {
    method,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The proxies one server gets: plain HTTP, bulk sink, and HTTP through a 100 ms latency toxic per stream. */
interface Ports {
  http: number;
  sink: number;
  latencyDownstream: number;
  latencyUpstream: number;
}

async function setUp(server: BenchServer, upstreams: { http: number; sink: number }): Promise<Ports> {
  const proxy = async (name: string, upstreamPort: number) => {
    const created = (await apiCall(server.url, 'POST', '/proxies', {
      name,
      listen: '127.0.0.1:0',
      upstream: `127.0.0.1:${upstreamPort}`,
    })) as { listen: string };
    return Number(created.listen.split(':').at(-1));
  };
  const ports: Ports = {
    http: await proxy('bench_http', upstreams.http),
    sink: await proxy('bench_sink', upstreams.sink),
    latencyDownstream: await proxy('bench_latency_down', upstreams.http),
    latencyUpstream: await proxy('bench_latency_up', upstreams.http),
  };
  await apiCall(server.url, 'POST', '/proxies/bench_latency_down/toxics', {
    type: 'latency',
    stream: 'downstream',
    attributes: { latency: LATENCY_MS },
  });
  await apiCall(server.url, 'POST', '/proxies/bench_latency_up/toxics', {
    type: 'latency',
    stream: 'upstream',
    attributes: { latency: LATENCY_MS },
  });
  return ports;
}

const out = (line: string) => process.stdout.write(`${line}\n`);
const fmt = (n: number, digits = 3) => n.toFixed(digits);
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');
const pad = (label: string) => label.padEnd(24);

/** Prints `ours / real` for a figure when a real server was measured. */
function ratioLine(servers: BenchServer[], values: number[], what: string): void {
  if (servers.length < 2) return;
  const [ours, real] = values as [number, number];
  // A ratio of figures at or below zero (an added latency lost in noise) says nothing.
  const ratio = ours > 0 && real > 0 ? `${fmt(ours / real, 2)}×` : 'n/a (a figure <= 0)';
  out(`  ${pad('ours / real')}${ratio} (${what})`);
}

// A bad TOXIPROXY_SERVER_BIN stops the benchmark in one line, before anything starts.
let realBin: string | undefined;
try {
  realBin = findRealServer();
} catch (err) {
  process.stderr.write(`toxiproxy bench: ${(err as Error).message}\n`);
  process.exit(1);
}

const stopBusyLoops = startBusyLoops(BUSY_LOOPS);
const upstreams = await startUpstreams();
const servers: BenchServer[] = [];
try {
  servers.push(await startOwnServer());
  if (realBin) servers.push(await startExecutableServer(realBin));
  const ports = await Promise.all(servers.map((server) => setUp(server, upstreams.ports)));

  out(`toxiproxy benchmark: loopback, Node ${process.version}, servers and upstreams in child processes`);
  out(`  servers: ${servers.map((s, i) => (i === 0 ? s.label : `${s.label} (${realBin})`)).join(', ')}`);
  if (!realBin)
    out('  no real toxiproxy-server found (set TOXIPROXY_SERVER_BIN or put one on PATH to measure it side by side)');
  out(
    `  busy loops beside the benchmark: ${BUSY_LOOPS}; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const directSeq = await sequential(upstreams.ports.http, SEQUENTIAL_REQUESTS);
  out(`\none keep-alive client, ${SEQUENTIAL_REQUESTS} sequential requests`);
  out(`  ${pad('direct')}p50 ${fmt(percentile(directSeq, 50))} ms  p99 ${fmt(percentile(directSeq, 99))} ms`);
  const addedP50s: number[] = [];
  for (const [i, server] of servers.entries()) {
    const times = await sequential(ports[i]!.http, SEQUENTIAL_REQUESTS);
    const addedP50 = percentile(times, 50) - percentile(directSeq, 50);
    const addedP99 = percentile(times, 99) - percentile(directSeq, 99);
    addedP50s.push(addedP50);
    out(
      `  ${pad(server.label)}p50 ${fmt(percentile(times, 50))} ms  p99 ${fmt(percentile(times, 99))} ms  added p50 +${fmt(addedP50)} ms (target <= +0.15 ms: ${verdict(addedP50 <= 0.15)}; real Toxiproxy +0.09–0.14)  p99 +${fmt(addedP99)} ms`,
    );
  }
  ratioLine(servers, addedP50s, 'added p50');

  // Direct and proxied alternate in short rounds, so a change in the machine's load hits all alike.
  let directRps = 0;
  const proxiedRps = servers.map(() => 0);
  for (let round = 0; round < LOAD_ROUNDS; round++) {
    directRps += (await load(upstreams.ports.http, LOAD_CONNECTIONS, LOAD_SECONDS)) / LOAD_ROUNDS;
    for (const i of servers.keys())
      proxiedRps[i]! += (await load(ports[i]!.http, LOAD_CONNECTIONS, LOAD_SECONDS)) / LOAD_ROUNDS;
  }
  out(
    `\nconcurrent load: autocannon, ${LOAD_CONNECTIONS} connections, ${LOAD_ROUNDS} alternating rounds of ${LOAD_SECONDS} s each`,
  );
  out(`  ${pad('direct')}${fmt(directRps, 0)} req/s`);
  for (const [i, server] of servers.entries()) {
    const ratio = proxiedRps[i]! / directRps;
    out(
      `  ${pad(server.label)}${fmt(proxiedRps[i]!, 0)} req/s, ${pct(ratio)} of direct (target >= 50 %: ${verdict(ratio >= 0.5)}; real Toxiproxy 40–48 %)`,
    );
  }
  ratioLine(servers, proxiedRps, 'req/s');

  const directMBps = await bulk(upstreams.ports.sink, BULK_BYTES);
  out(`\nbulk TCP, ${BULK_BYTES / 1024 / 1024} MiB one way`);
  out(`  ${pad('direct')}${fmt(directMBps, 0)} MB/s`);
  const mbps: number[] = [];
  for (const [i, server] of servers.entries()) {
    mbps.push(await bulk(ports[i]!.sink, BULK_BYTES));
    out(
      `  ${pad(server.label)}${fmt(mbps[i]!, 0)} MB/s (${pct(mbps[i]! / directMBps)} of direct; real Toxiproxy about 600 MB/s)`,
    );
  }
  ratioLine(servers, mbps, 'MB/s');

  for (const stream of ['downstream', 'upstream'] as const) {
    out(`\nlatency toxic ${LATENCY_MS} ms (${stream}), one keep-alive client, ${LATENCY_REQUESTS} sequential requests`);
    const excessP50: number[] = [];
    const excessP99: number[] = [];
    for (const [i, server] of servers.entries()) {
      const port = stream === 'downstream' ? ports[i]!.latencyDownstream : ports[i]!.latencyUpstream;
      const times = await sequential(port, LATENCY_REQUESTS, 3);
      excessP50.push(percentile(times, 50) - LATENCY_MS);
      excessP99.push(percentile(times, 99) - LATENCY_MS);
      out(
        `  ${pad(server.label)}p50 +${fmt(excessP50[i]!)} ms (target <= +1 ms: ${verdict(excessP50[i]! <= 1)}; real Toxiproxy +1.3–1.7)` +
          `  p99 +${fmt(excessP99[i]!)} ms (target <= +3 ms: ${verdict(excessP99[i]! <= 3)}; real Toxiproxy up to +4.7)  max +${fmt(times.at(-1)! - LATENCY_MS)} ms`,
      );
    }
    ratioLine(servers, excessP50, 'excess p50');
    ratioLine(servers, excessP99, 'excess p99');
  }
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  upstreams.stop();
  stopBusyLoops();
}
