/** Prometheus metrics: per-proxy bytes received and sent at /metrics with metrics on; no route without. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { api, connectTo, createProxy, roundTrip, startEcho, startServer } from './support/harness.js';

describe('metrics', async () => {
  const echo = await startEcho();

  it('counts bytes per proxy and direction', async () => {
    const server = await startServer({ metrics: true });
    const port = await createProxy(server, 'measured', echo);
    const socket = await connectTo(port);
    await roundTrip(socket, 1000);
    socket.destroy();
    const res = await api(server, 'GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const line = (metric: string, direction: string) =>
      new RegExp(
        `^toxiproxy_proxy_${metric}_bytes_total\\{direction="${direction}",proxy="measured",listener="127\\.0\\.0\\.1:${port}",upstream="127\\.0\\.0\\.1:${echo}"\\} 1000$`,
        'm',
      );
    for (const metric of ['received', 'sent']) {
      for (const direction of ['upstream', 'downstream'])
        assert.match(res.text, line(metric, direction), `${metric} ${direction}`);
    }
    assert.match(res.text, /^# TYPE toxiproxy_proxy_sent_bytes_total counter$/m);
  });

  it('has no /metrics route when metrics are off', async () => {
    const server = await startServer();
    const res = await api(server, 'GET', '/metrics');
    assert.equal(res.status, 404);
  });
});
