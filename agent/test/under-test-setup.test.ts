import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type LabError, createLogger, openDatabase, recordsServiceRequests } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { runAgent } from '../src/main.js';
import { startAgentProcess, waitForAgent } from '../src/under-test/agent-process.js';

/** How the lab refuses an agent under test it cannot run: bad settings, a module that does not load, a command that dies. */
describe('the agent under test: setup errors', () => {
  let tmp: ReturnType<typeof makeTempDir>;
  before(() => {
    tmp = makeTempDir('under-test-setup-');
  });
  after(() => tmp.cleanup());
  const settings = (overrides: Record<string, string>) => testSettings(tmp.path, overrides);
  const refused = (overrides: Record<string, string>, message: RegExp) =>
    assert.throws(
      () => settings(overrides),
      (err: LabError) => err.code === 'SETTINGS_INVALID' && message.test(err.message),
    );

  it('settings: one agent, a command needs its URL, an agent over HTTP runs one prompt at a time', () => {
    refused(
      { AGENT_MODULE: 'a.js', AGENT_URL: 'http://127.0.0.1:7000' },
      /^AGENT_MODULE=a\.js: set AGENT_MODULE or AGENT_URL, not both/m,
    );
    refused({ AGENT_COMMAND: 'python3 agent.py' }, /^AGENT_COMMAND=python3 agent\.py: AGENT_URL must be set too/m);
    refused(
      { AGENT_URL: 'http://127.0.0.1:7000', AGENT_CONCURRENCY: '2' },
      /^AGENT_CONCURRENCY=2: must be 1 with AGENT_URL/m,
    );
    refused({ AGENT_URL: 'ftp://x' }, /^AGENT_URL=ftp:\/\/x: must be an http/m);
    assert.equal(recordsServiceRequests(settings({})), false);
    assert.equal(recordsServiceRequests(settings({ AGENT_URL: 'http://127.0.0.1:7000' })), true);
    assert.equal(
      recordsServiceRequests(settings({ AGENT_URL: 'http://127.0.0.1:7000', SERVICE_REQUESTS: 'off' })),
      false,
    );
  });

  it('a module that is missing or exports no factory stops the run before anything is recorded', async () => {
    const prompts = join(tmp.path, 'prompts.json');
    writeFileSync(prompts, JSON.stringify([{ prompt: 'hello' }]));
    const notAFactory = join(tmp.path, 'not-a-factory.mjs');
    writeFileSync(notAFactory, 'export const answer = 42;\n');
    for (const [path, message] of [
      [join(tmp.path, 'missing.js'), /^AGENT_MODULE=.*missing\.js: no such file$/],
      [notAFactory, /^AGENT_MODULE=.*not-a-factory\.mjs: export a factory function, as default or as "createAgent"$/],
    ] as const) {
      await assert.rejects(
        runAgent(settings({ AGENT_MODULE: path }), { promptsFile: prompts }),
        (err: LabError) => err.code === 'SETTINGS_INVALID' && message.test(err.message),
      );
    }
    const db = openDatabase(settings({}).LAB_DB_PATH);
    assert.deepEqual(db.prepare('SELECT COUNT(*) AS n FROM runs').get(), { n: 0 });
    db.close();
  });

  it('a command that exits before its health answers ends the wait at once, with its last output', async () => {
    const log = createLogger({ name: 'agent', settings: settings({}) });
    const started = Date.now();
    const agent = startAgentProcess('echo "cannot bind" >&2; exit 3', {}, log);
    await assert.rejects(waitForAgent('http://127.0.0.1:9', 20_000, agent), (err: LabError) => {
      assert.equal(err.code, 'NOT_READY');
      assert.match(
        err.message,
        /the agent's command exited with status 3 before http:\/\/127\.0\.0\.1:9\/health answered; its last output: cannot bind/,
      );
      return true;
    });
    assert.ok(Date.now() - started < 10_000, 'waited for the deadline instead of the exit');
    await agent.stop();
  });
});
