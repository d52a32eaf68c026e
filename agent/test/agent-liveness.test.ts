import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { AgentLiveness } from '../src/under-test/agent-liveness.js';
import { describeExit } from '../src/under-test/agent-process.js';

/** An agent's HTTP server on a free port: `/health` answers 200, `/prompt` resets the connection. */
async function startAgentServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/health') res.end('{"status":"ok"}');
    else req.socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** What `POST <url>/prompt` throws (a real socket's error). */
async function postError(url: string): Promise<unknown> {
  try {
    await fetch(`${url}/prompt`, { method: 'POST', body: '{}' });
  } catch (err) {
    return err;
  }
  assert.fail(`POST ${url}/prompt answered`);
}

describe('an agent over HTTP (AGENT_URL alone): gone or not', () => {
  const servers: Server[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  it('a reset POST /prompt while /health answers is the attempt failing, not the agent gone', async () => {
    const { url, server } = await startAgentServer();
    servers.push(server);
    const gone: string[] = [];
    const liveness = new AgentLiveness({ url, promptIndexes: [0, 1, 2], onGone: (r) => gone.push(r) });
    liveness.inFlight = 1;
    await liveness.requestFailed(await postError(url));
    assert.deepEqual(gone, []);
  });

  it('a refused POST /prompt and a refused /health: stopped answering, told once, naming the prompt', async () => {
    const { url, server } = await startAgentServer();
    await new Promise((resolve) => server.close(resolve));
    const gone: string[] = [];
    const liveness = new AgentLiveness({ url, promptIndexes: [0, 1, 2], onGone: (r) => gone.push(r) });
    liveness.inFlight = 1;
    const err = await postError(url);
    await liveness.requestFailed(err);
    await liveness.requestFailed(err);
    assert.deepEqual(gone, [
      `the agent under test stopped answering at ${url}: POST /prompt ECONNREFUSED, GET /health ECONNREFUSED, during prompt 2 of 3 (prompt_index 1)`,
    ]);
  });

  it('after the run (close), nothing is a death', async () => {
    const { url, server } = await startAgentServer();
    await new Promise((resolve) => server.close(resolve));
    const gone: string[] = [];
    const liveness = new AgentLiveness({ url, promptIndexes: [0], onGone: (r) => gone.push(r) });
    liveness.close();
    await liveness.requestFailed(await postError(url));
    assert.deepEqual(gone, []);
  });
});

describe("an agent command's exit, in words", () => {
  it('names the signal, also when the shell passes it on as 128 + n', () => {
    assert.equal(describeExit(3, null), 'exited with status 3');
    assert.equal(describeExit(null, 'SIGKILL'), 'exited (signal SIGKILL)');
    assert.equal(describeExit(137, null), 'exited with status 137 (signal SIGKILL)');
    assert.equal(describeExit(143, null), 'exited with status 143 (signal SIGTERM)');
    assert.equal(describeExit(200, null), 'exited with status 200');
  });
});
