/**
 * Test support: a server on a free port, echo and blob upstreams on port 0, raw HTTP calls, and
 * socket helpers that await events (never fixed sleeps).
 */
import { once } from 'node:events';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { after } from 'node:test';
import { startToxiproxyServer, type ToxiproxyServer, type ToxiproxyServerOptions } from '../../src/index.js';

/** Starts a server on a free port, closed after the test file. */
export async function startServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const server = await startToxiproxyServer({ port: 0, seed: 1, ...options });
  after(() => server.close());
  return server;
}

/** Listens on a free loopback port, closed (with its sockets) after the test file. */
async function listenLocal(server: Server): Promise<number> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** An upstream that echoes every byte back. @returns its port */
export function startEcho(): Promise<number> {
  return listenLocal(
    createServer((s) => {
      s.on('error', () => undefined);
      s.pipe(s);
    }),
  );
}

/** Bytes 0..n-1 of a recognisable pattern (each byte its index mod 251). */
export function pattern(n: number, offset = 0): Buffer {
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) out[i] = (i + offset) % 251;
  return out;
}

/**
 * An upstream that, on each connection, writes `pattern(bytes)` and then ends (or stays open).
 * @returns its port
 */
export function startBlob(bytes: number, options: { end?: boolean } = {}): Promise<number> {
  return listenLocal(
    createServer((s) => {
      s.on('error', () => undefined);
      s.write(pattern(bytes));
      if (options.end !== false) s.end();
    }),
  );
}

/** A raw HTTP response. */
export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json(): unknown;
}

/** Calls the API with fetch; `body` is sent as is (a string) or JSON-encoded. */
export async function api(
  server: ToxiproxyServer,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const response = await fetch(server.url + path, {
    method,
    headers: { 'User-Agent': 'chaos-lab-tests', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

/** Creates a proxy on a free loopback port to `upstreamPort`. @returns the port it listens on */
export async function createProxy(server: ToxiproxyServer, name: string, upstreamPort: number): Promise<number> {
  const res = await api(server, 'POST', '/proxies', {
    name,
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${upstreamPort}`,
  });
  if (res.status !== 201) throw new Error(`create proxy ${name}: ${res.status} ${res.text}`);
  return Number((res.json() as { listen: string }).listen.split(':').pop());
}

/** Adds a toxic; throws unless the API answers 200. */
export async function addToxic(server: ToxiproxyServer, proxy: string, toxic: Record<string, unknown>): Promise<void> {
  const res = await api(server, 'POST', `/proxies/${proxy}/toxics`, toxic);
  if (res.status !== 200) throw new Error(`add toxic: ${res.status} ${res.text}`);
}

/** Removes a toxic; throws unless the API answers 204. */
export async function removeToxic(server: ToxiproxyServer, proxy: string, toxic: string): Promise<void> {
  const res = await api(server, 'DELETE', `/proxies/${proxy}/toxics/${toxic}`);
  if (res.status !== 204) throw new Error(`remove toxic: ${res.status} ${res.text}`);
}

/** Connects to a loopback port with Nagle off. */
export async function connectTo(port: number): Promise<Socket> {
  const socket = connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  return socket;
}

/** What a socket received until it closed. */
export interface Received {
  data: Buffer;
  reads: number;
  /** ms (performance.now) of the first and last byte, and of the end. */
  firstAt: number;
  lastAt: number;
  endedAt: number;
  error?: NodeJS.ErrnoException;
}

/** Collects everything a socket receives until it closes (or errors). */
export function collect(socket: Socket): Promise<Received> {
  const chunks: Buffer[] = [];
  let firstAt = NaN;
  let lastAt = NaN;
  let error: NodeJS.ErrnoException | undefined;
  socket.on('data', (d: Buffer) => {
    const now = performance.now();
    if (chunks.length === 0) firstAt = now;
    lastAt = now;
    chunks.push(d);
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e;
  });
  return new Promise((resolve) => {
    socket.once('close', () =>
      resolve({
        data: Buffer.concat(chunks),
        reads: chunks.length,
        firstAt,
        lastAt,
        endedAt: performance.now(),
        error,
      }),
    );
  });
}

/** Waits for exactly `n` bytes on a socket. @returns the bytes and when the last one arrived */
export function readBytes(socket: Socket, n: number): Promise<{ data: Buffer; at: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (d: Buffer): void => {
      chunks.push(d);
      size += d.length;
      if (size >= n) {
        socket.off('data', onData);
        socket.off('close', onClose);
        resolve({ data: Buffer.concat(chunks), at: performance.now() });
      }
    };
    const onClose = (): void => reject(new Error(`socket closed after ${size} of ${n} bytes`));
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** Round-trip time (ms) of `bytes` bytes through an echo path. */
export async function roundTrip(socket: Socket, bytes = 1): Promise<number> {
  const start = performance.now();
  const reply = readBytes(socket, bytes);
  socket.write(pattern(bytes));
  const { at } = await reply;
  return at - start;
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Round trips measured in series of `perSeries` until a series' median is at most `acceptableMs`
 * (at most `attempts` series). Load on the machine only ever makes round trips slower, so a late
 * series is measured again and only a systematic delay stays late.
 * @returns every sample of every series, and the median of the last series
 */
export async function settledRoundTrips(
  socket: Socket,
  acceptableMs: number,
  options: { perSeries?: number; attempts?: number } = {},
): Promise<{ samples: number[]; median: number; shown: string }> {
  await roundTrip(socket); // warm-up: the first round trip also pays for JIT and connection setup
  const series: number[][] = [];
  for (let attempt = 0; attempt < (options.attempts ?? 3); attempt++) {
    const samples: number[] = [];
    for (let i = 0; i < (options.perSeries ?? 7); i++) samples.push(await roundTrip(socket));
    series.push(samples);
    if (median(samples) <= acceptableMs) break;
  }
  return {
    samples: series.flat(),
    median: median(series.at(-1)!),
    shown: series.map((s) => s.map((v) => v.toFixed(1)).join(' ')).join(' | '),
  };
}
