/** The latency toxic on real sockets: nominal delay, jitter spread, pipelining, and both streams adding up. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addToxic,
  connectTo,
  createProxy,
  median,
  pattern,
  readBytes,
  roundTrip,
  settledRoundTrips,
  startEcho,
  startServer,
} from './support/harness.js';

describe('latency toxic', async () => {
  const server = await startServer();
  const echo = await startEcho();

  it("delays each round trip by the configured 100 ms (median within 100–115 ms: the precise figure is the benchmark's), never less", async () => {
    const port = await createProxy(server, 'latency_nominal', echo);
    await addToxic(server, 'latency_nominal', { type: 'latency', attributes: { latency: 100 } });
    const socket = await connectTo(port);
    const { samples, median: m, shown } = await settledRoundTrips(socket, 115, { attempts: 5 });
    socket.destroy();
    assert.ok(Math.min(...samples) >= 100, `a round trip under 100 ms: ${shown}`);
    assert.ok(m >= 100 && m <= 115, `median ${m.toFixed(2)} ms; series ${shown}`);
  });

  it('spreads delays over latency ± jitter', async () => {
    const port = await createProxy(server, 'latency_jitter', echo);
    await addToxic(server, 'latency_jitter', { type: 'latency', attributes: { latency: 60, jitter: 40 } });
    const socket = await connectTo(port);
    const samples: number[] = [];
    for (let i = 0; i < 16; i++) samples.push(await roundTrip(socket));
    socket.destroy();
    const shown = samples.map((s) => s.toFixed(0)).join(', ');
    const min = Math.min(...samples);
    const max = Math.max(...samples);
    assert.ok(min >= 20, `no delay below latency - jitter: ${shown}`);
    assert.ok(max - min > 30, `delays spread over the range: ${shown}`);
    const m = median(samples);
    assert.ok(m > 35 && m < 85, `delays centred on the latency: median ${m.toFixed(1)} of ${shown}`);
  });

  it('pipelines chunks: a burst takes one latency, not one per chunk', async () => {
    const port = await createProxy(server, 'latency_pipeline', echo);
    await addToxic(server, 'latency_pipeline', { type: 'latency', attributes: { latency: 100 } });
    const socket = await connectTo(port);
    const start = performance.now();
    const reply = readBytes(socket, 10 * 100);
    for (let i = 0; i < 10; i++) {
      socket.write(pattern(100, i));
      await new Promise((r) => setTimeout(r, 5));
    }
    const { at } = await reply;
    socket.destroy();
    const elapsed = at - start;
    assert.ok(elapsed >= 100 && elapsed < 300, `burst of 10 chunks took ${elapsed.toFixed(1)} ms`);
  });

  it('adds upstream and downstream latencies', async () => {
    const port = await createProxy(server, 'latency_both', echo);
    await addToxic(server, 'latency_both', { type: 'latency', stream: 'upstream', attributes: { latency: 50 } });
    await addToxic(server, 'latency_both', { type: 'latency', stream: 'downstream', attributes: { latency: 50 } });
    const socket = await connectTo(port);
    const { samples, median: m, shown } = await settledRoundTrips(socket, 106, { perSeries: 5 });
    socket.destroy();
    assert.ok(Math.min(...samples) >= 100, `a round trip under 100 ms: ${shown}`);
    assert.ok(m >= 100 && m <= 106, `median ${m.toFixed(2)} ms; series ${shown}`);
  });
});
