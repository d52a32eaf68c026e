import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentRun, openDatabase } from '@chaos-lab/common';
import { AIMessage } from '@langchain/core/messages';
import { runAgent } from '../src/index.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';
import { ScriptedChatModel, promptOf } from './support/scripted-model.js';

describe('AGENT_CONCURRENCY prompts in flight, mirrored in the control row', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ AGENT_CONCURRENCY: '2' }, {}, ['weather']);
  });
  after(async () => lab?.close());

  it('runs two prompts at once, never three; control is active with the lowest prompt in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const waiting: (() => void)[] = [];
    const seen: { prompt: string; phase: string; currentPrompt: number | null }[] = [];
    const model = new ScriptedChatModel(async (messages) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      // A barrier: each prompt waits until a second one is in flight, so both are seen together.
      if (inFlight < 2) await new Promise<void>((resolve) => waiting.push(resolve));
      else for (const resolve of waiting.splice(0)) resolve();
      const db = openDatabase(lab.settings.LAB_DB_PATH);
      const run = currentRun(db)!;
      db.close();
      seen.push({ prompt: promptOf(messages), phase: run.phase, currentPrompt: run.currentPrompt });
      inFlight -= 1;
      return new AIMessage(`answer to ${promptOf(messages)}`);
    });
    const prompts = ['p0', 'p1', 'p2', 'p3'].map((prompt) => ({
      prompt,
      expect: { contains: [`answer to ${prompt}`] },
    }));
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(prompts),
      runId: 'conc-1',
      model,
      endpoints: directEndpoints(lab),
    });
    assert.equal(summary.prompts.correct, 4);
    assert.equal(most, 2);
    assert.ok(seen.every((s) => s.phase === 'active'));
    assert.deepEqual(
      seen.slice(0, 2).map((s) => s.currentPrompt),
      [0, 0],
    );
    assert.deepEqual(lab.rows('SELECT phase, current_prompt FROM control WHERE run_id = ?', 'conc-1'), [
      { phase: 'done', current_prompt: null },
    ]);
    assert.equal(lab.rows('SELECT 1 FROM prompt_results WHERE run_id = ?', 'conc-1').length, 4);
  });
});
