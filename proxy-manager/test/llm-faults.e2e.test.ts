// LLM faults in the fault schedule: the `llm` kind's schema and attributes, the LLM_FAULT_* settings as
// plan entries, and a real manager firing and ending them on the model calls the gateway announces
// (tool `model`), read from fault_events, fault_plans and call_announcements.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRandom, faultSchema, llmAttributes, writeFaultPlan, type Fault } from '@chaos-lab/common';
import { testSettings } from '@chaos-lab/common/testing';
import { llmFaultsFromSettings } from '../src/index.js';
import { llmFaults } from '../src/schedule/faults/llm.js';
import { startTestLab, type TestLab } from './support/lab.js';

describe('llm fault schema', () => {
  it('takes a kind or a list of kinds, the settable attributes, and targets the model by default', () => {
    const f = faultSchema.parse({
      kind: 'llm',
      name: 'x',
      type: ['rate_limit', 'hang'],
      retryAfterS: 2,
      hangMs: 100,
      trigger: { kind: 'call', tool: 'model', n: 3 },
    });
    assert.equal(f.kind, 'llm');
    assert.deepEqual(f.targets, ['model']);
    assert.deepEqual(llmAttributes(f as Extract<Fault, { kind: 'llm' }>), { retry_after_s: 2, hang_ms: 100 });
  });

  it('refuses an unknown kind, a tool service as target, and a per-tick random trigger without durationMs', () => {
    const issue = (v: unknown) => faultSchema.safeParse(v).error?.issues[0];
    assert.match(
      issue({ kind: 'llm', name: 'x', type: 'meltdown', trigger: { kind: 'prompt', n: 1 } })!.message,
      /must be an LLM fault/,
    );
    assert.match(
      issue({ kind: 'llm', name: 'x', type: 'hang', targets: ['weather'], trigger: { kind: 'prompt', n: 1 } })!.message,
      /must be model/,
    );
    assert.deepEqual(
      issue({ kind: 'llm', name: 'x', type: 'hang', trigger: { kind: 'random', probability: 0.1 } })!.path,
      ['trigger', 'durationMs'],
    );
    assert.ok(
      faultSchema.safeParse({
        kind: 'llm',
        name: 'x',
        type: 'hang',
        trigger: { kind: 'random', probability: 0.1, tool: 'model' },
      }).success,
    );
  });

  it("draws the kind of each firing from the list with the run's plan source: same seed, same kinds", () => {
    const fault = faultSchema.parse({
      kind: 'llm',
      name: 'x',
      type: ['rate_limit', 'hang', 'stream_cut'],
      trigger: { kind: 'prompt', n: 1 },
    });
    const draws = (seed: number) => {
      const random = createRandom(seed);
      return Array.from(
        { length: 30 },
        () => llmFaults.shape({ fault, service: 'model', proxy: 'model_proxy' }, random).type,
      );
    };
    assert.deepEqual(draws(4), draws(4));
    assert.deepEqual(new Set(draws(4)), new Set(['rate_limit', 'hang', 'stream_cut']));
    assert.equal(
      llmFaults.shape({ fault, service: 'model', proxy: 'model_proxy' }, createRandom(1)).name,
      'plan_x_model',
    );
  });
});

describe('LLM_FAULT_* settings as plan entries', () => {
  it('one entry per trigger setting, with the kinds of LLM_FAULTS and the attributes that are set', () => {
    const s = testSettings('/tmp/unused', {
      LLM_FAULT_PROB: '0.2',
      LLM_FAULT_CALLS: '0,2,5',
      LLM_FAULT_PROMPTS: '1',
      LLM_FAULTS: 'rate_limit,hang',
      LLM_FAULT_RETRY_AFTER_S: '9',
      LLM_FAULT_CUT_AFTER_CHUNKS: '0',
    });
    const entries = llmFaultsFromSettings(s);
    assert.deepEqual(
      entries.map((e) => [e.name, e.trigger]),
      [
        ['llm_fault_prob', { kind: 'random', probability: 0.2, tool: 'model' }],
        ['llm_fault_call_2', { kind: 'call', tool: 'model', n: 2, attempts: 1 }],
        ['llm_fault_call_5', { kind: 'call', tool: 'model', n: 5, attempts: 1 }],
        ['llm_fault_prompt_1', { kind: 'prompt', n: 2 }],
      ],
    );
    for (const e of entries) {
      assert.equal(e.kind, 'llm');
      if (e.kind === 'llm') {
        assert.deepEqual(e.type, ['rate_limit', 'hang']);
        assert.deepEqual(llmAttributes(e), { retry_after_s: 9, cut_after_chunks: 0 });
      }
    }
    assert.deepEqual(llmFaultsFromSettings(testSettings('/tmp/unused')), [], 'none by default');
  });
});

describe('a manager with LLM_FAULT_CALLS fires on announced model calls', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({
      TOXIC_PROB: '0',
      LLM_FAULT_CALLS: '2',
      LLM_FAULTS: 'unavailable',
      LLM_FAULT_STATUS: '529',
    });
    await lab.startManager();
  });
  after(() => lab.close());

  const announce = async (callId: string, attempt: number, tool = 'model', runId = 'llm-run') => {
    const res = await fetch(`${lab.manager!.url}/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ runId, promptIndex: 0, tool, callId, attempt }),
    });
    assert.equal(res.status, 200);
    return ((await res.json()) as { faults: string[] }).faults;
  };
  const events = () =>
    lab.db
      .prepare(
        "SELECT fault, type, proxy, service, attributes, ended_by FROM fault_events WHERE run_id = 'llm-run' AND kind = 'llm' ORDER BY id",
      )
      .all() as {
      fault: string;
      type: string;
      proxy: string;
      service: string;
      attributes: string;
      ended_by: string | null;
    }[];

  it('the 2nd model call is faulted before it is acknowledged, its retry is not; tool calls do not count', async () => {
    lab.startRun('llm-run', 'active');
    assert.deepEqual(await announce('model-a', 1), []);
    assert.deepEqual(await announce('call-1', 1, 'get_weather'), [], 'a tool call is not a model call');
    assert.deepEqual(await announce('model-b', 1), ['llm_fault_call_2']);
    assert.deepEqual(
      events().map((e) => [e.fault, e.type, e.proxy, e.service, JSON.parse(e.attributes).status, e.ended_by]),
      [['llm_fault_call_2', 'unavailable', 'model_proxy', 'model', 529, null]],
    );
    assert.deepEqual(await announce('model-b', 2), []);
    assert.equal(events()[0]!.ended_by, 'trigger');
    const plan = lab.db.prepare("SELECT plan FROM fault_plans WHERE run_id = 'llm-run'").get() as { plan: string };
    assert.deepEqual(
      JSON.parse(plan.plan).faults.map((f: Fault) => f.name),
      ['llm_fault_call_2'],
      'the plan the run followed is recorded',
    );
  });

  it("a first_attempts trigger without a tool counts the tools' attempts only, not the model's", async () => {
    lab.startRun('first-run', 'active');
    const fault = faultSchema.parse({
      kind: 'http_error',
      name: 'first-503',
      status: 503,
      targets: ['weather'],
      trigger: { kind: 'first_attempts', k: 1 },
    });
    writeFaultPlan(lab.db, 'first-run', { faults: [fault] });
    assert.deepEqual(
      await announce('model-x', 1, 'model', 'first-run'),
      [],
      'a model request is not on the weather service',
    );
    assert.deepEqual(
      await announce('call-w', 1, 'get_weather', 'first-run'),
      ['first-503'],
      'the first tool attempt still meets it',
    );
    assert.deepEqual(await announce('call-w', 2, 'get_weather', 'first-run'), [], 'the second does not');
  });
});
