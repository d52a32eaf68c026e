/** Toxicity: 0 never applies a toxic, 1 always does, in between it is rolled per connection from the seed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addToxic, api, connectTo, createProxy, roundTrip, startEcho, startServer } from './support/harness.js';

describe('toxicity', async () => {
  const server = await startServer();
  const echo = await startEcho();

  /** Round trip of a fresh connection through `proxy`. */
  async function freshRoundTrip(port: number): Promise<number> {
    const socket = await connectTo(port);
    const rtt = await roundTrip(socket);
    socket.destroy();
    return rtt;
  }

  it('toxicity 0 has no effect', async () => {
    const port = await createProxy(server, 'toxicity_0', echo);
    await addToxic(server, 'toxicity_0', { type: 'latency', toxicity: 0, attributes: { latency: 300 } });
    for (let i = 0; i < 3; i++) assert.ok((await freshRoundTrip(port)) < 150);
  });

  it('toxicity 1 always applies', async () => {
    const port = await createProxy(server, 'toxicity_1', echo);
    await addToxic(server, 'toxicity_1', { type: 'latency', toxicity: 1, attributes: { latency: 100 } });
    for (let i = 0; i < 3; i++) assert.ok((await freshRoundTrip(port)) >= 100);
  });

  it('toxicity 0.5 affects some connections and spares others', async () => {
    const port = await createProxy(server, 'toxicity_half', echo);
    await addToxic(server, 'toxicity_half', { type: 'latency', toxicity: 0.5, attributes: { latency: 100 } });
    const delayed = [];
    for (let i = 0; i < 12; i++) delayed.push((await freshRoundTrip(port)) >= 100);
    assert.ok(delayed.includes(true) && delayed.includes(false), `pattern ${delayed.map(Number).join('')}`);
  });

  it('an update to toxicity 0 lifts the toxic from open connections', async () => {
    const port = await createProxy(server, 'toxicity_update', echo);
    await addToxic(server, 'toxicity_update', { name: 'lat', type: 'latency', attributes: { latency: 200 } });
    const socket = await connectTo(port);
    assert.ok((await roundTrip(socket)) >= 200);
    const res = await api(server, 'POST', '/proxies/toxicity_update/toxics/lat', { toxicity: 0 });
    assert.equal((res.json() as { toxicity: number }).toxicity, 0);
    assert.ok((await roundTrip(socket)) < 100);
    socket.destroy();
  });
});
