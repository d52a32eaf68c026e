import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { getService, isLabError, SERVICE_NAMES, type ServiceName } from '@chaos-lab/common';
import { freePort, makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { startAllTools, startToolService } from '../src/index.js';

/** Holds a TCP port on loopback until closed. */
async function holdPort(port = 0): Promise<Server> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

function portOf(server: Server): number {
  return (server.address() as { port: number }).port;
}

async function release(server: Server): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

describe('starting and stopping tool services', () => {
  it('listens on a free port when asked for port 0, and says where', async () => {
    const tmp = makeTempDir();
    const service = await startToolService('calculator', testSettings(tmp.path), { port: 0 });
    try {
      assert.equal(service.name, 'calculator');
      assert.equal(service.host, '127.0.0.1');
      assert.ok(service.port > 0);
      assert.equal(service.url, `http://127.0.0.1:${service.port}`);
      assert.equal(
        ((await (await fetch(`${service.url}/health`)).json()) as { service: string }).service,
        'calculator',
      );
    } finally {
      await service.close();
      tmp.cleanup();
    }
  });

  it('listens on the registry port plus PORT_OFFSET by default', async () => {
    const tmp = makeTempDir();
    const spec = getService('calculator');
    let offset = -1;
    while (offset < 0 || offset > 50_000) offset = (await freePort()) - spec.toolPort;
    const service = await startToolService('calculator', testSettings(tmp.path, { PORT_OFFSET: String(offset) }));
    try {
      assert.equal(service.port, spec.toolPort + offset);
    } finally {
      await service.close();
      tmp.cleanup();
    }
  });

  it('rejects with PORT_IN_USE naming the port when it is taken', async () => {
    const tmp = makeTempDir();
    const taken = await holdPort();
    try {
      await assert.rejects(startToolService('weather', testSettings(tmp.path), { port: portOf(taken) }), (err) => {
        assert.ok(isLabError(err, 'PORT_IN_USE'));
        assert.match(err.message, new RegExp(`port ${portOf(taken)} on 127.0.0.1 is already in use`));
        return true;
      });
    } finally {
      await release(taken);
      tmp.cleanup();
    }
  });

  it('closes promptly while a client holds a keep-alive connection', async () => {
    const tmp = makeTempDir();
    const service = await startToolService('message', testSettings(tmp.path), { port: 0 });
    const res = await fetch(`${service.url}/inbox`);
    await res.json();
    const started = performance.now();
    await service.close();
    assert.ok(performance.now() - started < 3000, 'close did not wait for the idle connection');
    await assert.rejects(fetch(`${service.url}/inbox`));
    tmp.cleanup();
  });

  it('starts all seven, each answering its own health check', async () => {
    const tmp = makeTempDir();
    const ports = Object.fromEntries(SERVICE_NAMES.map((name) => [name, 0])) as Record<ServiceName, number>;
    const services = await startAllTools(testSettings(tmp.path), { ports });
    try {
      assert.deepEqual(
        services.map((s) => s.name),
        [...SERVICE_NAMES],
      );
      assert.equal(new Set(services.map((s) => s.port)).size, 7);
      for (const service of services) {
        const health = (await (await fetch(`${service.url}/health`)).json()) as { service: string; status: string };
        assert.equal(health.service, service.name);
        assert.equal(health.status, 'ok');
      }
    } finally {
      await Promise.all(services.map((s) => s.close()));
      tmp.cleanup();
    }
  });

  it('closes the services it started when one cannot start', async () => {
    const tmp = makeTempDir();
    const taken = await holdPort();
    const [searchPort, weatherPort] = [await freePort(), await freePort()];
    const ports = {
      ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, 0])),
      search: searchPort,
      weather: weatherPort,
      movie: portOf(taken),
    };
    try {
      await assert.rejects(startAllTools(testSettings(tmp.path), { ports }), (err) => isLabError(err, 'PORT_IN_USE'));
      for (const port of [searchPort, weatherPort]) await release(await holdPort(port));
    } finally {
      await release(taken);
      tmp.cleanup();
    }
  });

  it('shuts down cleanly on SIGTERM', async () => {
    const tmp = makeTempDir();
    const fixture = fileURLToPath(new URL('./support/serve-tool.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, 'calendar', tmp.path], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
      const { url } = JSON.parse(line) as { url: string };
      const added = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Before shutdown', date: '2026-01-01', time: '10:00' }),
      });
      assert.equal(added.status, 201);
      child.kill('SIGTERM');
      const [code, signal] = (await once(child, 'exit')) as [number | null, string | null];
      assert.equal(signal, null);
      assert.equal(code, 0);
      const log = readFileSync(join(tmp.path, 'logs', 'info.log'), 'utf8');
      assert.match(log, /"msg":"shutting down"/);
      assert.match(log, /"msg":"tool service closed"/);
    } finally {
      child.kill('SIGKILL');
      tmp.cleanup();
    }
  });
});
