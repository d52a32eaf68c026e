/**
 * Toxics added, updated and removed on open connections: every byte arrives, in order, through
 * switches between the plain pipe and toxic chains in both directions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addToxic,
  api,
  connectTo,
  createProxy,
  pattern,
  readBytes,
  removeToxic,
  startEcho,
  startServer,
} from './support/harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('live toxic changes', async () => {
  const server = await startServer();
  const echo = await startEcho();

  it('keeps every byte in order while toxics come and go on both streams', async () => {
    const port = await createProxy(server, 'live', echo);
    const socket = await connectTo(port);
    const chunk = 2048;
    const count = 150;
    const reply = readBytes(socket, chunk * count);
    const writing = (async () => {
      for (let i = 0; i < count; i++) {
        socket.write(pattern(chunk, i * chunk));
        await sleep(2);
      }
    })();
    const changes = async () => {
      await addToxic(server, 'live', {
        name: 'lat_up',
        type: 'latency',
        stream: 'upstream',
        attributes: { latency: 20, jitter: 15 },
      });
      await sleep(20);
      await addToxic(server, 'live', {
        name: 'slice_down',
        type: 'slicer',
        attributes: { average_size: 300, size_variation: 200, delay: 100 },
      });
      await sleep(20);
      await addToxic(server, 'live', { name: 'bw_down', type: 'bandwidth', attributes: { rate: 2000 } });
      await sleep(20);
      await api(server, 'PATCH', '/proxies/live/toxics/lat_up', { attributes: { latency: 5 } });
      await addToxic(server, 'live', { name: 'lat_down', type: 'latency', attributes: { latency: 30 } });
      await sleep(20);
      await removeToxic(server, 'live', 'lat_up');
      await api(server, 'PATCH', '/proxies/live/toxics/bw_down', { attributes: { rate: 500 } });
      await sleep(20);
      await removeToxic(server, 'live', 'slice_down');
      await addToxic(server, 'live', { name: 'noop_up', type: 'noop', stream: 'upstream' });
      await sleep(20);
      await removeToxic(server, 'live', 'bw_down');
      await api(server, 'PATCH', '/proxies/live/toxics/lat_down', { toxicity: 0 });
      await sleep(20);
      await removeToxic(server, 'live', 'lat_down');
      await removeToxic(server, 'live', 'noop_up');
    };
    await Promise.all([writing, changes()]);
    const { data } = await reply;
    socket.destroy();
    assert.equal(data.length, chunk * count);
    assert.ok(data.equals(pattern(chunk * count)), 'bytes in order');
  });

  it('releases held chunks in order when a latency toxic is updated or removed', async () => {
    const port = await createProxy(server, 'live_latency', echo);
    await addToxic(server, 'live_latency', { name: 'slow', type: 'latency', attributes: { latency: 5000 } });
    const socket = await connectTo(port);
    const reply = readBytes(socket, 300);
    socket.write(pattern(100, 0));
    socket.write(pattern(100, 100));
    await sleep(30);
    const start = performance.now();
    await api(server, 'PATCH', '/proxies/live_latency/toxics/slow', { attributes: { latency: 50 } });
    socket.write(pattern(100, 200));
    await sleep(10);
    await removeToxic(server, 'live_latency', 'slow');
    const { data, at } = await reply;
    socket.destroy();
    assert.ok(data.equals(pattern(300)), 'bytes in order');
    assert.ok(at - start < 1000, 'held chunks released, not kept for the old 5 s');
  });

  it('switches a busy connection between the plain pipe and a chain without losing bytes', async () => {
    const port = await createProxy(server, 'live_switch', echo);
    const socket = await connectTo(port);
    const total = 2 * 1024 * 1024;
    const reply = readBytes(socket, total);
    let written = 0;
    const writing = (async () => {
      while (written < total) {
        const n = Math.min(16 * 1024, total - written);
        if (!socket.write(pattern(n, written))) await new Promise((r) => socket.once('drain', r));
        written += n;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const toggling = (async () => {
      for (let i = 0; written < total && i < 40; i++) {
        const stream = i % 2 ? 'upstream' : 'downstream';
        await addToxic(server, 'live_switch', {
          name: `t${i}`,
          type: 'latency',
          stream,
          attributes: { latency: i % 3 },
        });
        await removeToxic(server, 'live_switch', `t${i}`);
      }
    })();
    await Promise.all([writing, toggling]);
    const { data } = await reply;
    socket.destroy();
    assert.ok(data.equals(pattern(total)), 'bytes in order');
  });
});
