/**
 * Benchmark of the Toxiproxy-compatible server on loopback (`npm run bench` / `node scripts/run-bench.js
 * toxiproxy`). The server and the upstreams run in child processes; the clients run here.
 *
 * Prints: requests/s direct vs proxied (no toxics) under a concurrent load (autocannon) and their ratio;
 * p50/p99 of one keep-alive HTTP client direct vs proxied and the added latency; bulk TCP MB/s direct vs
 * proxied; p50/p99 of requests through a 100 ms latency toxic. Each figure is shown against the issue's
 * target and what real Toxiproxy 2.12.0 measured on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const LOAD_ROUNDS = 3;
const LOAD_CONNECTIONS = 50;
const SEQUENTIAL_REQUESTS = 3000;
const LATENCY_REQUESTS = 100;
const BULK_BYTES = 256 * 1024 * 1024;

/** Starts a support script in a child process and reads the JSON line it prints. */
async function startChild<T>(script: string): Promise<{ child: ChildProcess; info: T }> {
  const path = fileURLToPath(new URL(`./support/${script}`, import.meta.url));
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', path], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  return { child, info: JSON.parse(line) as T };
}

async function apiCall(url: string, method: string, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(url + path, { method, body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Sequential GETs on one keep-alive connection, after `warmup` unmeasured ones. @returns per-request times in ms, sorted */
async function sequential(port: number, count: number, warmup = 50): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const once1 = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < warmup; i++) await once1();
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await once1();
    times.push(performance.now() - start);
  }
  agent.destroy();
  return times.sort((a, b) => a - b);
}

/** Requests/s under autocannon's concurrent load. */
async function load(port: number): Promise<number> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: LOAD_CONNECTIONS, duration: LOAD_SECONDS });
  return result.requests.average;
}

/** MB/s of a bulk upload to the sink through `port`. */
async function bulk(port: number, bytes: number): Promise<number> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  const done = once(socket, 'data');
  const start = performance.now();
  const header = Buffer.alloc(8);
  header.writeBigUInt64BE(BigInt(bytes));
  socket.write(header);
  const block = Buffer.alloc(256 * 1024, 7);
  for (let sent = 0; sent < bytes; sent += block.length) {
    if (!socket.write(block)) await once(socket, 'drain');
  }
  await done;
  const seconds = (performance.now() - start) / 1000;
  socket.destroy();
  return bytes / 1e6 / seconds;
}

const fmt = (n: number, digits = 3) => n.toFixed(digits);
const pct = (n: number) => `${(n * 100).toFixed(0)} %`;
const verdict = (ok: boolean) => (ok ? 'meets target' : 'MISSES target');

const upstreams = await startChild<{ http: number; sink: number }>('upstream.ts');
const toxiproxy = await startChild<{ url: string }>('toxiproxy-process.ts');
try {
  const { url } = toxiproxy.info;
  const proxyPort = async (name: string, upstreamPort: number) => {
    const proxy = (await apiCall(url, 'POST', '/proxies', { name, listen: '127.0.0.1:0', upstream: `127.0.0.1:${upstreamPort}` })) as { listen: string };
    return Number(proxy.listen.split(':')[1]);
  };
  const httpProxy = await proxyPort('bench_http', upstreams.info.http);
  const sinkProxy = await proxyPort('bench_sink', upstreams.info.sink);
  const latencyProxy = await proxyPort('bench_latency', upstreams.info.http);
  await apiCall(url, 'POST', '/proxies/bench_latency/toxics', { type: 'latency', attributes: { latency: 100 } });

  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(`toxiproxy benchmark: loopback, Node ${process.version}, server and upstreams in child processes`);

  const directSeq = await sequential(upstreams.info.http, SEQUENTIAL_REQUESTS);
  const proxiedSeq = await sequential(httpProxy, SEQUENTIAL_REQUESTS);
  const addedP50 = percentile(proxiedSeq, 50) - percentile(directSeq, 50);
  const addedP99 = percentile(proxiedSeq, 99) - percentile(directSeq, 99);
  out(`\none keep-alive client, ${SEQUENTIAL_REQUESTS} sequential requests`);
  out(`  direct   p50 ${fmt(percentile(directSeq, 50))} ms  p99 ${fmt(percentile(directSeq, 99))} ms`);
  out(`  proxied  p50 ${fmt(percentile(proxiedSeq, 50))} ms  p99 ${fmt(percentile(proxiedSeq, 99))} ms`);
  out(`  added    p50 +${fmt(addedP50)} ms (target <= +0.15 ms: ${verdict(addedP50 <= 0.15)}; real Toxiproxy +0.09–0.14)  p99 +${fmt(addedP99)} ms`);

  // Direct and proxied alternate in short rounds, so a change in the machine's load hits both alike.
  let directRps = 0;
  let proxiedRps = 0;
  for (let round = 0; round < LOAD_ROUNDS; round++) {
    directRps += (await load(upstreams.info.http)) / LOAD_ROUNDS;
    proxiedRps += (await load(httpProxy)) / LOAD_ROUNDS;
  }
  const ratio = proxiedRps / directRps;
  out(`\nconcurrent load: autocannon, ${LOAD_CONNECTIONS} connections, ${LOAD_ROUNDS} alternating rounds of ${LOAD_SECONDS} s each`);
  out(`  direct   ${fmt(directRps, 0)} req/s`);
  out(`  proxied  ${fmt(proxiedRps, 0)} req/s`);
  out(`  ratio    ${pct(ratio)} (target >= 50 %: ${verdict(ratio >= 0.5)}; real Toxiproxy 40–48 %)`);

  const directMBps = await bulk(upstreams.info.sink, BULK_BYTES);
  const proxiedMBps = await bulk(sinkProxy, BULK_BYTES);
  out(`\nbulk TCP, ${BULK_BYTES / 1024 / 1024} MiB one way`);
  out(`  direct   ${fmt(directMBps, 0)} MB/s`);
  out(`  proxied  ${fmt(proxiedMBps, 0)} MB/s (${pct(proxiedMBps / directMBps)} of direct; real Toxiproxy about 600 MB/s)`);

  const latency = await sequential(latencyProxy, LATENCY_REQUESTS, 3);
  const p50 = percentile(latency, 50);
  const p99 = percentile(latency, 99);
  out(`\nlatency toxic 100 ms (downstream), one keep-alive client, ${LATENCY_REQUESTS} sequential requests`);
  out(`  p50 ${fmt(p50)} ms (+${fmt(p50 - 100)}; target <= +1 ms: ${verdict(p50 - 100 <= 1)}; real Toxiproxy +1.3–1.7)`);
  out(`  p99 ${fmt(p99)} ms (+${fmt(p99 - 100)}; target <= +3 ms: ${verdict(p99 - 100 <= 3)}; real Toxiproxy up to +4.7)`);
} finally {
  toxiproxy.child.kill('SIGTERM');
  upstreams.child.kill('SIGTERM');
}
