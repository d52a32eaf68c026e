/**
 * The benchmark's measurements, each against one TCP port (an upstream directly, or a proxy in front of
 * it): sequential keep-alive HTTP requests, concurrent load (autocannon) and a bulk upload.
 */
import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import autocannon from 'autocannon';

/** The `p`th percentile (0–100) of ascending `sorted` values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Sequential GETs on one keep-alive connection, after `warmup` unmeasured ones.
 * @returns per-request times in ms, ascending
 */
export async function sequential(port: number, count: number, warmup = 50): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  for (let i = 0; i < warmup; i++) await one();
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await one();
    times.push(performance.now() - start);
  }
  agent.destroy();
  return times.sort((a, b) => a - b);
}

/** Requests/s under autocannon's concurrent load of `connections` for `seconds`. */
export async function load(port: number, connections: number, seconds: number): Promise<number> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections, duration: seconds });
  return result.requests.average;
}

/** MB/s of a bulk upload of `bytes` to the sink upstream (see `upstream.ts`) through `port`. */
export async function bulk(port: number, bytes: number): Promise<number> {
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
