import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startToolService } from '@chaos-lab/tools';
import { createDockerProbe } from '../src/docker-probe.js';
import { startTestLab, waitFor, type TestLab } from './helpers.js';

describe('tool health monitor', () => {
  let lab: TestLab;

  before(async () => {
    lab = await startTestLab({ TOXIC_PROB: '0', HEALTH_INTERVAL_MS: '100' });
    lab.startRun('health-run', 'idle');
    await lab.startManager();
  });
  after(() => lab.close());

  const tool = async (name: string) => ((await lab.get('/status')).body.tools as { service: string; status: string; detail?: string; url: string }[]).find((t) => t.service === name)!;
  const logLines = () =>
    readFileSync(join(lab.settings.LOG_DIR, 'info.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg: string; run_id?: string; tool?: string; to?: string });

  it('checks every tool service straight, not through its proxy', async () => {
    await waitFor('every tool up', async () => ((await lab.get('/status')).body.tools as { status: string }[]).every((t) => t.status === 'up'));
    const weather = await tool('weather');
    assert.equal(weather.url, `http://127.0.0.1:${5001 + lab.settings.PORT_OFFSET}/health`);
  });

  it('logs a tool going down and coming back, with the run id', async () => {
    const index = lab.tools.findIndex((t) => t.name === 'weather');
    await lab.tools[index]!.close();
    const down = await waitFor('weather down', async () => {
      const t = await tool('weather');
      return t.status === 'down' && t;
    });
    assert.equal(down.detail, 'ECONNREFUSED');
    lab.tools[index] = await startToolService('weather', lab.settings);
    await waitFor('weather up again', async () => (await tool('weather')).status === 'up');
    const changes = logLines().filter((l) => l.tool === 'weather' && (l.to === 'down' || l.to === 'up'));
    assert.deepEqual(changes.map((l) => l.to), ['up', 'down', 'up']);
    assert.ok(changes.slice(1).every((l) => l.run_id === 'health-run'));
  });

  it('says once that there is no Docker socket, and finds none where there is none', () => {
    assert.equal(logLines().filter((l) => /no Docker socket/.test(l.msg)).length, 1);
    assert.equal(createDockerProbe({ dockerHost: '', socketPath: join(lab.dir, 'no-such.sock'), timeoutMs: 100 }), undefined);
  });
});
