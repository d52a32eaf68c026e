import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PROXY_MANAGER_PART, isLabError, openDatabase, partStarted, writeTransaction } from '@chaos-lab/common';
import { MODEL_DEAD_AFTER_PROMPTS } from '../src/run/recorders.js';
import { runAgent } from '../src/index.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';
import { ScriptedChatModel, hangUntilAborted } from './support/scripted-model.js';

type RunRow = { status: string; error: string | null; prompts_failed: number; prompts_interrupted: number };

/** Polls `probe` every 20 ms until it is truthy, failing after `timeoutMs`. */
async function waitFor(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a run stops as failed, or does not start, when…', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ PROMPT_LIMIT: '1', HEARTBEAT_STALE_MS: '5000' }, {}, ['weather']);
  });
  after(async () => lab?.close());

  it(`the model is dead: ${MODEL_DEAD_AFTER_PROMPTS} prompts in a row failed on it; the rest are interrupted and the run is failed with that reason`, async () => {
    const model = new ScriptedChatModel(() => {
      throw new Error('connect ECONNREFUSED (the model server is gone)');
    });
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['a', 'b', 'c', 'd', 'e']),
      runId: 'model-dead',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.equal(summary.status, 'failed');
    const rows = lab.rows<{ status: string; error_type: string }>(
      'SELECT status, error_type FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'model-dead',
    );
    assert.deepEqual(
      rows.map((r) => `${r.status}/${r.error_type}`),
      ['failed/model', 'failed/model', 'failed/model', 'interrupted/interrupted', 'interrupted/interrupted'],
    );
    const [run] = lab.rows<RunRow>(
      'SELECT status, error, prompts_failed, prompts_interrupted FROM runs WHERE run_id = ?',
      'model-dead',
    );
    assert.equal(run!.status, 'failed');
    assert.match(run!.error!, /the model failed 3 prompts in a row .*ECONNREFUSED/);
    assert.deepEqual([run!.prompts_failed, run!.prompts_interrupted], [3, 2], 'counts equal the rows');
  });

  it('the proxy-manager stops beating during the run: the run is failed with that reason', async () => {
    const stale = { ...lab.settings, HEARTBEAT_STALE_MS: 300 };
    const run = runAgent(stale, {
      promptsFile: lab.promptsFile(['one', 'two', 'three']),
      runId: 'manager-lost',
      model: new ScriptedChatModel((_m, _t, signal) => hangUntilAborted(signal)),
      endpoints: directEndpoints(lab),
    });
    await waitFor(
      'the run to be active',
      () => lab.rows("SELECT 1 FROM control WHERE run_id = 'manager-lost' AND phase = 'active'").length === 1,
    );
    // A manager seen alive during the run, that never beats again (kill -9).
    const db = openDatabase(lab.settings.LAB_DB_PATH);
    partStarted(db, PROXY_MANAGER_PART, 999_999, Date.now());
    db.close();
    const summary = await run;
    assert.equal(summary.status, 'failed');
    const [row] = lab.rows<RunRow>(
      'SELECT status, error, prompts_failed, prompts_interrupted FROM runs WHERE run_id = ?',
      'manager-lost',
    );
    assert.match(
      row!.error!,
      /the proxy-manager is lost: its last heartbeat was \d+ ms ago \(HEARTBEAT_STALE_MS=300\): stopping the run/,
    );
    assert.equal(row!.prompts_interrupted, 3, 'the prompt in flight and the ones never reached are interrupted');
  });

  it('another run is live on the same database: refused with a message naming it, before anything is recorded', async () => {
    const stopFirst = new AbortController();
    const first = runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['hangs']),
      runId: 'live-first',
      model: new ScriptedChatModel((_m, _t, signal) => hangUntilAborted(signal)),
      signal: stopFirst.signal,
      endpoints: directEndpoints(lab),
    });
    await waitFor(
      'the first run to be active',
      () => lab.rows("SELECT 1 FROM control WHERE run_id = 'live-first' AND phase = 'active'").length === 1,
    );
    const model = new ScriptedChatModel(() => {
      throw new Error('never called');
    });
    await assert.rejects(
      runAgent(lab.settings, {
        promptsFile: lab.promptsFile(['second']),
        runId: 'live-second',
        model,
        endpoints: directEndpoints(lab),
      }),
      (err: unknown) =>
        isLabError(err, 'VALIDATION') &&
        /run live-first is still active in .*lab\.db.*one run at a time per database/.test(err.message),
    );
    assert.deepEqual(
      lab.rows("SELECT run_id FROM runs WHERE run_id = 'live-second'"),
      [],
      'the refused run recorded nothing',
    );
    assert.equal(model.turns, 0);
    stopFirst.abort(new Error('SIGINT'));
    assert.equal((await first).status, 'interrupted');
  });

  it('a run left `running` by an agent that died (heartbeat older than HEARTBEAT_STALE_MS) does not block the next run', async () => {
    const db = openDatabase(lab.settings.LAB_DB_PATH);
    const longAgo = Date.now() - 60_000;
    writeTransaction(db, () => {
      db.prepare("INSERT INTO runs (run_id, started_at, status, seed) VALUES ('dead-agent', ?, 'running', 1)").run(
        longAgo,
      );
      db.prepare(
        "INSERT INTO control (run_id, phase, heartbeat_at, updated_at) VALUES ('dead-agent', 'active', ?, ?)",
      ).run(longAgo, longAgo);
    });
    db.close();
    const model = new ScriptedChatModel(() => {
      throw new Error('model down');
    });
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['x']),
      runId: 'after-dead',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.equal(summary.status, 'completed');
  });
});
