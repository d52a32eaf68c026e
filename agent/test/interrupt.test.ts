import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAgent } from '../src/index.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';
import { ScriptedChatModel, hangUntilAborted } from './support/scripted-model.js';

describe('an interrupted run (SIGINT/SIGTERM through the signal)', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ PROMPT_LIMIT: '3', AGENT_CONCURRENCY: '2' }, {}, ['weather']);
  });
  after(async () => lab?.close());

  it('gives every unfinished prompt one failed row of type interrupted, and the run is interrupted', async () => {
    const controller = new AbortController();
    let started = 0;
    const model = new ScriptedChatModel((_messages, _turn, signal) => {
      started += 1;
      // Both workers are in a model call: interrupt now.
      if (started === 2) controller.abort(new Error('SIGINT'));
      return hangUntilAborted(signal);
    });
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['one', 'two', 'three', 'four']),
      runId: 'interrupt-1',
      model,
      signal: controller.signal,
      endpoints: directEndpoints(lab),
    });
    assert.equal(summary.status, 'interrupted');
    assert.deepEqual([summary.succeeded, summary.failed], [0, 4]);
    assert.deepEqual(summary.errorTypes, { interrupted: 4 });
    assert.equal(started, 2, 'no attempt starts after the interruption');
    const rows = lab.rows<{ prompt_index: number; status: string; attempts: number; error_type: string }>(
      'SELECT prompt_index, status, attempts, error_type FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'interrupt-1',
    );
    assert.deepEqual(
      rows.map((r) => [r.prompt_index, r.status, r.attempts, r.error_type]),
      [
        [0, 'failed', 1, 'interrupted'],
        [1, 'failed', 1, 'interrupted'],
        [2, 'failed', 0, 'interrupted'],
        [3, 'failed', 0, 'interrupted'],
      ],
    );
    assert.deepEqual(lab.rows('SELECT status FROM runs WHERE run_id = ?', 'interrupt-1'), [{ status: 'interrupted' }]);
    assert.deepEqual(lab.rows('SELECT phase FROM control WHERE run_id = ?', 'interrupt-1'), [{ phase: 'done' }]);
  });

  it('a signal that fired before the start records every prompt as interrupted', async () => {
    const model = new ScriptedChatModel(() => {
      throw new Error('never called');
    });
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['one', 'two']),
      runId: 'interrupt-2',
      model,
      signal: AbortSignal.abort(new Error('SIGTERM')),
      endpoints: directEndpoints(lab),
    });
    assert.equal(summary.status, 'interrupted');
    assert.deepEqual(summary.errorTypes, { interrupted: 2 });
    assert.equal(model.turns, 0);
  });
});
