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

  it('gives every unfinished prompt one interrupted row, and the run is interrupted with counts equal to its rows', async () => {
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
    assert.equal(started, 2, 'no attempt starts after the interruption');
    const rows = lab.rows<{ prompt_index: number; status: string; attempts: number; error_type: string }>(
      'SELECT prompt_index, status, attempts, error_type FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'interrupt-1',
    );
    assert.deepEqual(
      rows.map((r) => [r.prompt_index, r.status, r.attempts, r.error_type]),
      [
        [0, 'interrupted', 1, 'interrupted'],
        [1, 'interrupted', 1, 'interrupted'],
        [2, 'interrupted', 0, 'interrupted'],
        [3, 'interrupted', 0, 'interrupted'],
      ],
    );
    assert.deepEqual(
      lab.rows('SELECT status, prompts_interrupted, prompts_failed FROM runs WHERE run_id = ?', 'interrupt-1'),
      [{ status: 'interrupted', prompts_interrupted: 4, prompts_failed: 0 }],
    );
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
    assert.deepEqual(lab.rows("SELECT status FROM prompt_results WHERE run_id = 'interrupt-2'"), [
      { status: 'interrupted' },
      { status: 'interrupted' },
    ]);
    assert.equal(model.turns, 0);
  });
});
