import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createLogger, getService } from '@chaos-lab/common';
import { freePort, makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { startToolService } from '@chaos-lab/tools';
import { systemClock } from '../src/util/clock.js';
import { createDockerProbe } from '../src/health/docker-probe.js';
import { TIMEOUTS_BEFORE_DOWN, ToolHealthMonitor } from '../src/health/monitor.js';
import { startTestLab, waitFor, type TestLab } from './support/lab.js';

type LogLine = { msg: string; run_id?: string; tool?: string; to?: string; from?: string; status?: string };

describe('tool health monitor', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0', HEALTH_INTERVAL_MS: '100' });
    lab.startRun('health-run', 'idle');
    await lab.startManager();
  });
  after(() => lab.close());

  const tool = async (name: string) =>
    ((await lab.get('/status')).body.tools as { service: string; status: string; detail?: string; url: string }[]).find(
      (t) => t.service === name,
    )!;
  const logLines = () =>
    readFileSync(join(lab.settings.LOG_DIR, 'info.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine);

  it('checks every tool service straight, not through its proxy', async () => {
    await waitFor('every tool up', async () =>
      ((await lab.get('/status')).body.tools as { status: string }[]).every((t) => t.status === 'up'),
    );
    const weather = await tool('weather');
    assert.equal(weather.url, `http://127.0.0.1:${5001 + lab.settings.PORT_OFFSET}/health`);
  });

  it('logs a tool going down and coming back, with the run id (and no down before its first answer)', async () => {
    const index = lab.tools.findIndex((t) => t.name === 'weather');
    await lab.tools[index]!.close();
    // A check in flight when the service closed may end ECONNRESET; the next ones are refused.
    const down = await waitFor('weather down and refusing', async () => {
      const t = await tool('weather');
      return t.status === 'down' && t.detail === 'ECONNREFUSED' && t;
    });
    assert.equal(down.status, 'down');
    lab.tools[index] = await startToolService('weather', lab.settings);
    await waitFor('weather up again', async () => (await tool('weather')).status === 'up');
    const changes = logLines().filter((l) => l.tool === 'weather' && (l.to === 'down' || l.to === 'up'));
    assert.deepEqual(
      changes.map((l) => l.to),
      ['up', 'down', 'up'],
    );
    assert.ok(changes.slice(1).every((l) => l.run_id === 'health-run'));
  });

  it('says once that there is no Docker socket, and finds none where there is none', () => {
    assert.equal(logLines().filter((l) => /no Docker socket/.test(l.msg)).length, 1);
    assert.equal(
      createDockerProbe({ dockerHost: '', socketPath: join(lab.dir, 'no-such.sock'), timeoutMs: 100 }),
      undefined,
    );
  });
});

/**
 * The monitor's status rules, one check at a time (`checkOnce`, no timers): a service is `starting`
 * until it first answers; once up, a refused connection is down at once, a late answer only after
 * TIMEOUTS_BEFORE_DOWN late checks in a row.
 */
describe('tool health monitor status rules', () => {
  const temp = makeTempDir('health-monitor-test-');
  const settings = testSettings(temp.path, { HEALTH_INTERVAL_MS: '100' });
  const logger = createLogger({ name: 'proxy-manager', settings });
  const held: ServerResponse[] = [];
  let hang = false;
  const server = createServer((_req, res) => {
    if (hang) held.push(res);
    else res.end('ok');
  });
  after(() => {
    for (const res of held) res.destroy();
    server.close();
    temp.cleanup();
  });

  const lines = () =>
    readFileSync(join(settings.LOG_DIR, 'info.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as LogLine)
      .filter((l) => l.tool === 'weather');

  it('is starting, never down, until the first answer; then up, late only after several late checks, down at once when refused', async () => {
    const port = await freePort();
    const monitor = new ToolHealthMonitor({
      settings,
      clock: systemClock,
      logger,
      runId: () => undefined,
      docker: undefined,
      services: [{ ...getService('weather'), toolPort: port - settings.PORT_OFFSET }],
      // Long enough that a loaded machine answers a live or a refused check in time; each late check costs it.
      checkTimeoutMs: 1000,
    });
    const weather = async () => {
      await monitor.checkOnce();
      return monitor.snapshot().tools[0]!;
    };

    // Not listening yet: still loading, not down; said once.
    assert.deepEqual([(await weather()).status, (await weather()).status], ['starting', 'starting']);
    assert.equal(monitor.snapshot().tools[0]!.detail, 'ECONNREFUSED');
    assert.equal(lines().filter((l) => /not answering yet/.test(l.msg)).length, 1);
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    assert.equal((await weather()).status, 'up');

    // Late answers: still up until TIMEOUTS_BEFORE_DOWN of them in a row.
    hang = true;
    for (let i = 1; i < TIMEOUTS_BEFORE_DOWN; i++) {
      const t = await weather();
      assert.deepEqual([t.status, t.lateChecks, t.detail], ['up', i, 'no answer within 1000 ms']);
    }
    hang = false;
    assert.deepEqual([(await weather()).status, monitor.snapshot().tools[0]!.lateChecks], ['up', 0]);
    hang = true;
    for (let i = 1; i < TIMEOUTS_BEFORE_DOWN; i++) assert.equal((await weather()).status, 'up');
    assert.equal((await weather()).status, 'down');
    hang = false;
    assert.equal((await weather()).status, 'up');

    // A refused connection once up: down at once.
    server.close();
    server.closeAllConnections();
    await once(server, 'close');
    assert.deepEqual([(await weather()).status, monitor.snapshot().tools[0]!.detail], ['down', 'ECONNREFUSED']);

    const changes = lines()
      .filter((l) => l.to !== undefined)
      .map((l) => `${l.from}→${l.to}`);
    assert.deepEqual(changes, ['starting→up', 'up→down', 'down→up', 'up→down']);
  });
});
