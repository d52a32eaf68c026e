/**
 * LLM faults through the one fault schedule: plan entries of kind `llm` (as an experiment file writes
 * them, `fault_plans`) and the `LLM_FAULT_*` settings (plan entries the schedule adds), each fired by
 * the proxy-manager's schedule on the model calls the gateway announces, applied by the gateway with
 * its attributes, and met by the real agent. Everything is read from the record: fault_plans,
 * fault_events, call_announcements, model_calls, prompt_results.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { faultSchema, openDatabase, PROJECT_ROOT, writeFaultPlan, type FaultPlan } from '@chaos-lab/common';
import { parse } from 'yaml';
import { runAgent } from '../src/index.js';
import { directEndpoints, startTestLab, type TestLab } from './support/lab.js';

interface ModelCallRow {
  prompt_index: number;
  call_index: number;
  attempt: number;
  status: string;
  http_status: number | null;
  fault: string | null;
  fault_event_id: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  retry_after_ms: number | null;
}

const WEATHER = { prompt: 'What is the weather in Paris?', expect: { tools: ['get_weather'], contains: ['Paris'] } };
const ROME = { prompt: 'What is the weather in Rome?', expect: { tools: ['get_weather'], contains: ['Rome'] } };

/** Writes `plan` for `runId`, runs the agent on `prompts`, returns the model_calls rows and prompt results. */
async function runWithPlan(lab: TestLab, runId: string, plan: FaultPlan | undefined, prompts: object[]) {
  if (plan) {
    const db = openDatabase(lab.settings.LAB_DB_PATH);
    try {
      writeFaultPlan(db, runId, plan);
    } finally {
      db.close();
    }
  }
  await runAgent(lab.settings, {
    promptsFile: lab.promptsFile(prompts as never),
    runId,
    endpoints: directEndpoints(lab),
  });
  return {
    calls: lab.rows<ModelCallRow>('SELECT * FROM model_calls WHERE run_id = ? ORDER BY id', runId),
    prompts: lab.rows<{ prompt_index: number; status: string; error_type: string | null }>(
      'SELECT prompt_index, status, error_type FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      runId,
    ),
  };
}

describe('planned llm faults', () => {
  it('call triggers on model calls 1 and 2, with a status and a Retry-After of their own: those requests only', async () => {
    const lab = await startTestLab({ MODEL_TIMEOUT_MS: '3000', MODEL_MAX_RETRIES: '2' }, {}, ['weather']);
    try {
      const plan: FaultPlan = {
        faults: [
          {
            kind: 'llm',
            name: 'site-overloaded',
            type: 'server_error',
            status: 529,
            targets: ['model'],
            trigger: { kind: 'call', tool: 'model', n: 1, attempts: 1 },
          },
          {
            kind: 'llm',
            name: 'overloaded',
            type: 'unavailable',
            retryAfterS: 3,
            targets: ['model'],
            trigger: { kind: 'call', tool: 'model', n: 2, attempts: 1 },
          },
        ],
      };
      const { calls, prompts } = await runWithPlan(lab, 'plan-call', plan, [WEATHER]);
      const faulted = calls
        .filter((c) => c.fault !== null)
        .map((c) => [c.call_index, c.attempt, c.http_status, c.retry_after_ms, c.fault]);
      assert.deepEqual(faulted, [
        [1, 1, 529, null, 'server_error'],
        [2, 1, 503, 3000, 'unavailable'],
      ]);
      assert.equal(prompts[0]!.status, 'correct', 'the client retried both');
      const events = lab.rows<{
        fault: string;
        type: string;
        proxy: string;
        service: string;
        attributes: string;
        trigger: string;
      }>(
        "SELECT fault, type, proxy, service, attributes, trigger FROM fault_events WHERE run_id = 'plan-call' AND kind = 'llm' ORDER BY id",
      );
      assert.deepEqual(
        events.map((e) => [e.fault, e.type, e.proxy, e.service, JSON.parse(e.trigger).n]),
        [
          ['site-overloaded', 'server_error', 'model_proxy', 'model', 1],
          ['overloaded', 'unavailable', 'model_proxy', 'model', 2],
        ],
      );
      assert.equal(JSON.parse(events[0]!.attributes).status, 529);
      // The schedule counted the model calls the gateway announced: two calls, two retries.
      assert.equal(
        lab.rows("SELECT 1 FROM call_announcements WHERE run_id = 'plan-call' AND tool = 'model'").length,
        calls.length,
      );
    } finally {
      await lab.close();
    }
  });

  it('prompt trigger: every model request of prompt 2 meets a slow stream of chunkDelayMs; prompt 1 none', async () => {
    const lab = await startTestLab({}, {}, ['weather']);
    try {
      const plan: FaultPlan = {
        faults: [
          {
            kind: 'llm',
            name: 'slow',
            type: ['slow_stream'],
            chunkDelayMs: 40,
            targets: ['model'],
            trigger: { kind: 'prompt', n: 2 },
          },
        ],
      };
      const { calls, prompts } = await runWithPlan(lab, 'plan-prompt', plan, [WEATHER, ROME]);
      assert.ok(calls.filter((c) => c.prompt_index === 0).every((c) => c.fault === null));
      const second = calls.filter((c) => c.prompt_index === 1);
      assert.ok(second.length >= 2 && second.every((c) => c.fault === 'slow_stream'), JSON.stringify(second));
      // A streamed answer has several chunks: at least one pause of 40 ms (tolerance: lower bound only).
      assert.ok(
        second.every((c) => c.latency_ms >= 38),
        JSON.stringify(second.map((c) => c.latency_ms)),
      );
      assert.deepEqual(
        prompts.map((p) => p.status),
        ['correct', 'correct'],
      );
    } finally {
      await lab.close();
    }
  });

  it('random per model request (probability 1) with hangMs: each request is held, then cut; the prompt fails on the model', async () => {
    const lab = await startTestLab({ MODEL_TIMEOUT_MS: '5000', MODEL_MAX_RETRIES: '1' }, {}, ['weather']);
    try {
      const plan: FaultPlan = {
        faults: [
          {
            kind: 'llm',
            name: 'held',
            type: 'hang',
            hangMs: 150,
            targets: ['model'],
            trigger: { kind: 'random', probability: 1, tool: 'model' },
          },
        ],
      };
      const { calls, prompts } = await runWithPlan(lab, 'plan-random', plan, [WEATHER]);
      assert.equal(calls.length, 2, 'the request and its one retry');
      for (const c of calls) {
        assert.equal(c.fault, 'hang');
        assert.equal(c.status, 'network', 'closed unanswered after hangMs');
        assert.ok(c.latency_ms >= 140 && c.latency_ms < 4000, `${c.latency_ms} ms`);
      }
      assert.notEqual(calls[0]!.fault_event_id, calls[1]!.fault_event_id, 'one firing per request');
      assert.deepEqual([prompts[0]!.status, prompts[0]!.error_type], ['failed', 'model']);
    } finally {
      await lab.close();
    }
  });
});

describe('llm faults of an experiment file', () => {
  it("experiments/flaky-model.yaml's variant: the first two model requests rate limited, model call 4 cut; every prompt correct", async () => {
    // The variant's faults as the experiment runner writes them (the file's faults are this schema's).
    const file = parse(readFileSync(join(PROJECT_ROOT, 'experiments', 'flaky-model.yaml'), 'utf8')) as {
      variants: { faults: unknown[] }[];
    };
    const plan: FaultPlan = { faults: file.variants[0]!.faults.map((f) => faultSchema.parse(f)) };
    const lab = await startTestLab({ MODEL_MAX_RETRIES: '2', MODEL_TIMEOUT_MS: '5000' }, {}, ['weather']);
    try {
      const { calls, prompts } = await runWithPlan(lab, 'from-file', plan, [WEATHER, ROME]);
      const faulted = calls
        .filter((c) => c.fault !== null)
        .map((c) => [c.call_index, c.attempt, c.fault, c.status, c.retry_after_ms]);
      assert.deepEqual(faulted, [
        [1, 1, 'rate_limit', 'http_error', 2000],
        [1, 2, 'rate_limit', 'http_error', 2000],
        [4, 1, 'stream_cut', 'network', null],
      ]);
      assert.deepEqual(
        prompts.map((p) => p.status),
        ['correct', 'correct'],
      );
      const fired = lab.rows<{ fault: string; n: number }>(
        "SELECT fault, COUNT(*) AS n FROM fault_events WHERE run_id = 'from-file' GROUP BY fault ORDER BY fault",
      );
      assert.deepEqual(fired, [
        { fault: 'cut-stream', n: 1 },
        { fault: 'rate-limited', n: 1 },
      ]);
    } finally {
      await lab.close();
    }
  });
});

describe('LLM_FAULT_* settings as plan entries', () => {
  it("LLM_FAULT_CALLS=1 with LLM_FAULT_FIRST_TOKEN_DELAY_MS: the schedule adds the entry to the run's plan and fires it", async () => {
    const lab = await startTestLab(
      { LLM_FAULT_CALLS: '1', LLM_FAULTS: 'slow_first_token', LLM_FAULT_FIRST_TOKEN_DELAY_MS: '300' },
      {},
      ['weather'],
    );
    try {
      const { calls, prompts } = await runWithPlan(lab, 'settings-1', undefined, [WEATHER]);
      assert.equal(calls[0]!.fault, 'slow_first_token');
      assert.ok(calls[0]!.ttft_ms! >= 290, `first byte after ${calls[0]!.ttft_ms} ms`);
      assert.ok(calls.slice(1).every((c) => c.fault === null));
      assert.equal(prompts[0]!.status, 'correct');
      const [plan] = lab.rows<{ plan: string }>("SELECT plan FROM fault_plans WHERE run_id = 'settings-1'");
      const [entry] = (JSON.parse(plan!.plan) as FaultPlan).faults;
      assert.deepEqual(
        [entry!.name, entry!.kind, entry!.trigger],
        ['llm_fault_call_1', 'llm', { kind: 'call', tool: 'model', n: 1, attempts: 1 }],
      );
    } finally {
      await lab.close();
    }
  });
});
