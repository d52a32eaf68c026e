import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { createLogger, currentRun, openDatabase } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { ControlTracker } from '../src/run/control.js';
import { RunRecords } from '../src/records/records.js';
import { tracingState } from '../src/run/tracing.js';

describe('the control row', () => {
  const tmp = makeTempDir('agent-control-');
  after(() => tmp.cleanup());
  const settings = testSettings(tmp.path);
  const logger = createLogger({ name: 'agent', settings });

  it('goes starting → active (lowest prompt in flight) → idle → done, with a heartbeat on a timer', async () => {
    const db = openDatabase(settings.LAB_DB_PATH);
    let clock = 1_000;
    const records = new RunRecords(db, 'control-1', () => clock);
    assert.equal(records.start({ seed: 1, settings: {}, promptsTotal: 3, model: 'm' }), true);
    assert.equal(
      records.start({ seed: 1, settings: {}, promptsTotal: 3, model: 'm' }),
      false,
      'a run id is recorded once',
    );
    const phase = () => {
      const run = currentRun(db)!;
      return [run.phase, run.currentPrompt, run.heartbeatAt];
    };
    assert.deepEqual(phase(), ['starting', null, 1_000]);

    const control = new ControlTracker(records, logger);
    control.promptStarted(2);
    control.promptStarted(1);
    assert.deepEqual(phase(), ['active', 1, 1_000]);
    control.promptEnded(1);
    assert.deepEqual(phase(), ['active', 2, 1_000]);
    control.promptEnded(2);
    assert.deepEqual(phase(), ['idle', null, 1_000]);

    clock = 5_000;
    control.startHeartbeat(10);
    while (currentRun(db)!.heartbeatAt !== 5_000) await new Promise((resolve) => setTimeout(resolve, 5));
    control.stop();
    assert.deepEqual(phase(), ['idle', null, 5_000]);

    clock = 9_000;
    records.finish('completed', null);
    assert.deepEqual(phase(), ['done', null, 9_000]);
    assert.deepEqual(db.prepare('SELECT status, finished_at, prompts_correct, prompts_failed FROM runs').get(), {
      status: 'completed',
      finished_at: 9_000,
      prompts_correct: 0,
      prompts_failed: 0,
    });
    db.close();
  });
});

describe('LangSmith tracing', () => {
  it('is off unless the environment turns it on', () => {
    assert.equal(tracingState({}), 'off');
    assert.equal(tracingState({ LANGSMITH_TRACING: 'false', LANGSMITH_API_KEY: 'k' }), 'off');
    assert.equal(tracingState({ LANGSMITH_TRACING: 'true' }), 'on (LANGSMITH_TRACING=true)');
    assert.equal(tracingState({ LANGCHAIN_TRACING_V2: 'true' }), 'on (LANGCHAIN_TRACING_V2=true)');
  });
});
