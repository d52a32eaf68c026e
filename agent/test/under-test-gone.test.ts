import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeTempDir, queryDatabase, testSettings } from '@chaos-lab/common/testing';
import { runAgent } from '../src/main.js';

/**
 * An agent over HTTP (`AGENT_URL` alone, no command) in this process: its first answer to
 * `POST /prompt` is an HTTP 500, its second an answer, and at the third it closes its port.
 */
async function startDyingAgent(): Promise<{ url: string; server: Server }> {
  let prompts = 0;
  const server = createServer((req, res) => {
    if (req.url === '/health') return void res.end('{"status":"ok"}');
    prompts += 1;
    if (prompts === 1) {
      res.statusCode = 500;
      return void res.end('{"error":"the model failed"}');
    }
    if (prompts === 2) return void res.end('{"answer":"It is sunny."}');
    server.close();
    server.closeAllConnections();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('an agent over HTTP that goes away mid-run', () => {
  const tmp = makeTempDir('under-test-gone-');
  after(() => tmp.cleanup());

  it('an HTTP 500 fails one attempt; a closed port (health probe refused too) fails the run, the prompts left interrupted', async () => {
    const { url } = await startDyingAgent();
    const promptsFile = join(tmp.path, 'prompts.json');
    writeFileSync(promptsFile, JSON.stringify(['one', 'two', 'three'].map((p) => ({ prompt: `prompt ${p}` }))));
    const settings = testSettings(tmp.path, { AGENT_URL: url, PROMPT_LIMIT: '2' });
    const summary = await runAgent(settings, { runId: 'gone-run', promptsFile });
    assert.equal(summary.status, 'failed');
    assert.match(
      summary.error ?? '',
      new RegExp(
        `^the agent under test stopped answering at ${url}: POST /prompt \\S+, GET /health ECONNREFUSED, during prompt 2 of 3 \\(prompt_index 1\\): stopping the run$`,
      ),
    );
    const rows = queryDatabase<{ status: string; attempts: number; error: string | null }>(
      settings.LAB_DB_PATH,
      'SELECT status, attempts, error FROM prompt_results ORDER BY prompt_index',
    );
    assert.deepEqual(
      rows.map((r) => [r.status, r.attempts]),
      [
        ['unchecked', 2],
        ['interrupted', 1],
        ['interrupted', 0],
      ],
      JSON.stringify(rows),
    );
    assert.match(rows[1]!.error!, /the run failed: the agent under test stopped answering at /);
    assert.match(rows[2]!.error!, /^the run failed before the prompt finished: the agent under test stopped answering/);
  });
});
