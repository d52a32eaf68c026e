// The Docker probe against a fake engine on a unix socket: only the lab's own compose project counts.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SERVICES } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { createDockerProbe } from '../src/health/docker-probe.js';

const OWN_ID = 'a1b2c3d4e5f6'.padEnd(64, '0');

/** A container as `GET /containers/json` lists it. */
function container(
  id: string,
  name: string,
  project: string,
  service: string,
  state = 'running',
  status = 'Up 2 minutes (healthy)',
) {
  return {
    Id: id.padEnd(64, '0'),
    Names: [`/${name}`],
    State: state,
    Status: status,
    Labels: { 'com.docker.compose.project': project, 'com.docker.compose.service': service },
  };
}

/** Two copies of the lab on one engine: `lab` (ours, with the proxy-manager's own container) and `other`. */
const CONTAINERS = [
  container(OWN_ID, 'lab-proxy_mgr-1', 'lab', 'proxy_mgr'),
  container('1111', 'lab-weather_tool-1', 'lab', 'weather_tool'),
  container('2222', 'lab-search_tool-1', 'lab', 'search_tool', 'exited', 'Exited (1) 5 seconds ago'),
  container('3333', 'other-weather_tool-1', 'other', 'weather_tool', 'running', 'Up 1 hour (unhealthy)'),
  container('4444', 'other-search_tool-1', 'other', 'search_tool'),
  // Named exactly like a lab service, in another project: still not ours.
  container('5555', 'calendar_tool', 'other', 'calendar'),
];

describe('Docker probe', () => {
  const tmp = makeTempDir();
  const socketPath = join(tmp.path, 'docker.sock');
  let engine: Server;
  const requests: string[] = [];
  before(async () => {
    engine = createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      if (req.method === 'GET' && req.url?.startsWith('/containers/json')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(CONTAINERS));
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'page not found' }));
      }
    });
    await new Promise<void>((resolve) => engine.listen(socketPath, resolve));
  });
  after(async () => {
    await new Promise((resolve) => engine.close(resolve));
    tmp.cleanup();
  });

  // The timeout only stops a hang (the fake engine answers at once): generous, so a loaded machine passes,
  // and the probe still rejects, failing the test, should the engine never answer.
  const probe = (options: { composeProject?: string; ownIds?: string[] }) =>
    createDockerProbe({ dockerHost: '', socketPath, timeoutMs: 20_000, composeProject: '', ...options })!;

  it("reports only the containers of the proxy-manager's own compose project", async () => {
    const found = await probe({ ownIds: [OWN_ID.slice(0, 12)] }).containers(SERVICES);
    assert.deepEqual([...found.keys()].sort(), ['search', 'weather']);
    assert.deepEqual(found.get('weather'), {
      container: 'lab-weather_tool-1',
      state: 'running',
      health: 'healthy',
      status: 'Up 2 minutes (healthy)',
    });
    assert.deepEqual(found.get('search'), {
      container: 'lab-search_tool-1',
      state: 'exited',
      health: null,
      status: 'Exited (1) 5 seconds ago',
    });
    assert.ok(
      requests.every((r) => r.startsWith('GET /containers/json')),
      requests.join(', '),
    );
  });

  it('takes the project from COMPOSE_PROJECT_NAME when it is given', async () => {
    const found = await probe({ composeProject: 'other', ownIds: [] }).containers(SERVICES);
    assert.deepEqual([...found.keys()].sort(), ['calendar', 'search', 'weather']);
    assert.equal(found.get('weather')?.health, 'unhealthy');
  });

  it('reports no container when the proxy-manager is in none and no project is named', async () => {
    const found = await probe({ ownIds: [] }).containers(SERVICES);
    assert.deepEqual([...found.keys()], []);
    const stranger = await probe({ ownIds: ['ffffffffffff'] }).containers(SERVICES);
    assert.deepEqual([...stranger.keys()], [], 'an id the engine does not know is no project');
  });
});
