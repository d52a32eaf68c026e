/** Toxic endpoints over raw HTTP: defaults, ordering, merging updates, exact int64 attributes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, startEcho, startServer } from './support/harness.js';

describe('toxic endpoints', async () => {
  const server = await startServer();
  const echo = await startEcho();
  await api(server, 'POST', '/proxies', { name: 'p', listen: '127.0.0.1:0', upstream: `127.0.0.1:${echo}` });

  it('creates with 200 and Toxiproxy defaults: downstream, name <type>_<stream>, toxicity 1, missing attributes 0', async () => {
    const res = await api(server, 'POST', '/proxies/p/toxics', {
      type: 'latency',
      attributes: { latency: 10, unknown: 'ignored' },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal(
      res.text,
      '{"attributes":{"latency":10,"jitter":0},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}',
    );
  });

  it('reads the stream case-insensitively and shows it as sent', async () => {
    const res = await api(server, 'POST', '/proxies/p/toxics', { type: 'slicer', stream: 'UpStream', toxicity: null });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json(), {
      attributes: { average_size: 0, size_variation: 0, delay: 0 },
      name: 'slicer_UpStream',
      type: 'slicer',
      stream: 'UpStream',
      toxicity: 1,
    });
  });

  it('matches field names case-insensitively, as Go does', async () => {
    const res = await api(server, 'POST', '/proxies/p/toxics', {
      Name: 'cased',
      TYPE: 'bandwidth',
      Attributes: { RATE: 7 },
      Toxicity: 0.25,
    });
    assert.equal(
      res.text,
      '{"attributes":{"rate":7},"name":"cased","type":"bandwidth","stream":"downstream","toxicity":0.25}',
    );
  });

  it('lists upstream toxics first, then downstream, each in insertion order', async () => {
    await api(server, 'POST', '/proxies/p/toxics', { name: 'up2', type: 'noop', stream: 'upstream' });
    const res = await api(server, 'GET', '/proxies/p/toxics');
    assert.equal(res.status, 200);
    assert.deepEqual(
      (res.json() as { name: string }[]).map((t) => t.name),
      ['slicer_UpStream', 'up2', 'latency_downstream', 'cased'],
    );
    const proxy = (await api(server, 'GET', '/proxies/p')).json() as { toxics: { name: string }[] };
    assert.deepEqual(
      proxy.toxics.map((t) => t.name),
      ['slicer_UpStream', 'up2', 'latency_downstream', 'cased'],
    );
  });

  it('shows one toxic', async () => {
    const res = await api(server, 'GET', '/proxies/p/toxics/cased');
    assert.equal(
      res.text,
      '{"attributes":{"rate":7},"name":"cased","type":"bandwidth","stream":"downstream","toxicity":0.25}',
    );
  });

  it('merges attributes on update; name, type and stream stay', async () => {
    const res = await api(server, 'PATCH', '/proxies/p/toxics/latency_downstream', {
      attributes: { jitter: 3 },
      name: 'x',
      type: 'timeout',
      stream: 'upstream',
    });
    assert.equal(res.status, 200);
    assert.equal(
      res.text,
      '{"attributes":{"latency":10,"jitter":3},"name":"latency_downstream","type":"latency","stream":"downstream","toxicity":1}',
    );
    const toxicity = await api(server, 'POST', '/proxies/p/toxics/latency_downstream', { toxicity: 0.1 });
    assert.equal((toxicity.json() as { toxicity: number }).toxicity, 0.1);
    assert.equal((toxicity.json() as { attributes: { jitter: number } }).attributes.jitter, 3);
  });

  it('keeps int64 attributes exact, negative and huge alike', async () => {
    const body = '{"name":"huge","type":"timeout","attributes":{"timeout":9223372036854775807}}';
    const res = await api(server, 'POST', '/proxies/p/toxics', body);
    assert.equal(res.status, 200);
    assert.match(res.text, /"timeout":9223372036854775807}/);
    const negative = await api(server, 'POST', '/proxies/p/toxics', {
      name: 'neg',
      type: 'latency',
      attributes: { latency: -5, jitter: -1 },
    });
    assert.match(negative.text, /"latency":-5,"jitter":-1/);
  });

  it('deletes with 204', async () => {
    for (const name of ['huge', 'neg', 'cased', 'up2', 'slicer_UpStream', 'latency_downstream']) {
      const res = await api(server, 'DELETE', `/proxies/p/toxics/${name}`);
      assert.equal(res.status, 204, name);
      assert.equal(res.text, '');
    }
    assert.equal((await api(server, 'GET', '/proxies/p/toxics')).text, '[]');
  });
});
