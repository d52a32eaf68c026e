/**
 * Each LLM fault against the real agent (ChatOpenAI → the offline model server's OpenAI API; and
 * ChatAnthropic → its Anthropic Messages API), on the run's first model call (LLM_FAULT_CALLS=1): what
 * the client did (retried, waited, gave up) and what became of the prompt, all read from model_calls,
 * fault_events and prompt_results. And the keys: never in the record.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LLM_FAULT_KINDS, type LlmFaultKind } from '@chaos-lab/common';
import { runAgent } from '../src/index.js';
import { directEndpoints, startTestLab, type TestLab } from './support/lab.js';

interface ModelCallRow {
  call_index: number;
  attempt: number;
  status: string;
  http_status: number | null;
  fault: string | null;
  fault_event_id: number | null;
  latency_ms: number;
  ttft_ms: number | null;
  tokens_in: number | null;
  retry_after_ms: number | null;
  next_wait_ms: number | null;
  retry_after_honored: number | null;
}

/**
 * What the first model call's first request must show, and the prompt's status (and error type), per
 * fault, with MODEL_TIMEOUT_MS 1500 and MODEL_MAX_RETRIES 2: LangChain's client retries 429 and 5xx,
 * not 401 or 400; a 2 s first token is a timeout; a broken tool call or an empty answer is the agent's
 * failure, a tool that does not exist gets an error tool message the offline model reports as unhandled.
 */
const EXPECTED: Record<LlmFaultKind, { status: string; http?: number; prompt: string; error?: string }> = {
  rate_limit: { status: 'http_error', http: 429, prompt: 'correct' },
  server_error: { status: 'http_error', http: 500, prompt: 'correct' },
  bad_gateway: { status: 'http_error', http: 502, prompt: 'correct' },
  unavailable: { status: 'http_error', http: 503, prompt: 'correct' },
  unauthorized: { status: 'http_error', http: 401, prompt: 'failed', error: 'model' },
  context_length: { status: 'http_error', http: 400, prompt: 'failed', error: 'model' },
  hang: { status: 'timeout', prompt: 'correct' },
  slow_first_token: { status: 'timeout', prompt: 'correct' },
  slow_stream: { status: 'ok', http: 200, prompt: 'correct' },
  stream_cut: { status: 'network', http: 200, prompt: 'correct' },
  malformed_json: { status: 'malformed', http: 200, prompt: 'correct' },
  bad_tool_args: { status: 'ok', http: 200, prompt: 'failed', error: 'agent' },
  unknown_tool: { status: 'ok', http: 200, prompt: 'unhandled' },
  empty_completion: { status: 'ok', http: 200, prompt: 'failed', error: 'agent' },
};

/**
 * The same with ChatAnthropic, where the Messages API differs: `unavailable` is Anthropic's 529
 * overloaded_error (retried too), and a tool_use whose input is not an object is not refused by the
 * client: the tool call fails on its arguments, the offline model reports the part it could not do.
 */
const EXPECTED_ANTHROPIC: typeof EXPECTED = {
  ...EXPECTED,
  unavailable: { status: 'http_error', http: 529, prompt: 'correct' },
  bad_tool_args: { status: 'ok', http: 200, prompt: 'unhandled' },
};

/** The agent's model client: LLM_PROVIDER offline (ChatOpenAI) or anthropic (ChatAnthropic at the lab's model server). */
const CLIENTS = [
  { client: 'ChatOpenAI', expected: EXPECTED, settings: (lab: TestLab) => lab.settings },
  {
    client: 'ChatAnthropic',
    expected: EXPECTED_ANTHROPIC,
    settings: (lab: TestLab) => ({
      ...lab.settings,
      LLM_PROVIDER: 'anthropic' as const,
      ANTHROPIC_API_KEY: 'sk-ant-offline',
      ANTHROPIC_BASE_URL: lab.model.baseUrl.replace(/\/v1$/, ''),
    }),
  },
];

for (const { client, expected: EXPECTED, settings } of CLIENTS)
  describe(`LLM faults against the agent (${client}), recorded in model_calls`, () => {
    for (const kind of LLM_FAULT_KINDS) {
      it(`${kind} on the first model call: ${EXPECTED[kind].status}, the prompt ${EXPECTED[kind].prompt}`, async () => {
        const lab = await startTestLab(
          { LLM_FAULT_CALLS: '1', LLM_FAULTS: kind, MODEL_TIMEOUT_MS: '1500', MODEL_MAX_RETRIES: '2' },
          {},
          ['weather'],
        );
        try {
          const runId = `llm-${kind}`;
          const prompt = {
            prompt: 'What is the weather in Paris?',
            expect: { tools: ['get_weather'], contains: ['Paris'] },
          };
          await runAgent(settings(lab), {
            promptsFile: lab.promptsFile([prompt]),
            runId,
            endpoints: directEndpoints(lab),
          });
          const rows = lab.rows<ModelCallRow>('SELECT * FROM model_calls WHERE run_id = ? ORDER BY id', runId);
          const [result] = lab.rows<{ status: string; error_type: string | null }>(
            'SELECT status, error_type FROM prompt_results WHERE run_id = ?',
            runId,
          );
          const first = rows[0]!;
          process.stdout.write(
            `# ${client} ${kind}: prompt ${result!.status}${result!.error_type ? ` (${result!.error_type})` : ''}, ${rows.length} requests, first ${first.status} ${first.http_status ?? ''} ${first.latency_ms} ms\n`,
          );
          assert.equal(first.fault, kind);
          assert.ok(first.fault_event_id !== null, 'the fault event is linked');
          assert.equal(first.status, EXPECTED[kind].status);
          if (EXPECTED[kind].http !== undefined) assert.equal(first.http_status, EXPECTED[kind].http);
          assert.equal(result!.status, EXPECTED[kind].prompt);
          assert.equal(result!.error_type, EXPECTED[kind].error ?? null);
          assert.ok(
            rows.slice(1).every((r) => r.fault === null),
            'only the first call is faulted',
          );
          assert.ok(
            rows.every((r) => r.status !== 'pending'),
            'every request is finished in the record',
          );
        } finally {
          await lab.close();
        }
      });
    }
  });

describe('Retry-After compliance', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ LLM_FAULT_CALLS: '1', LLM_FAULTS: 'rate_limit' }, {}, ['weather']);
  });
  after(() => lab.close());

  it("measures how long the client waited after a 429's Retry-After before asking again", async () => {
    await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(['What is the weather in Paris?']),
      runId: 'ra-1',
      endpoints: directEndpoints(lab),
    });
    const [limited, next] = lab.rows<ModelCallRow>('SELECT * FROM model_calls WHERE run_id = ? ORDER BY id', 'ra-1');
    assert.equal(limited!.retry_after_ms, 1000);
    assert.equal(next!.call_index, limited!.call_index, 'the retry is the same model call');
    assert.equal(next!.attempt, 2);
    assert.ok(limited!.next_wait_ms !== null && limited!.next_wait_ms >= 0);
    assert.equal(limited!.retry_after_honored, limited!.next_wait_ms! >= 1000 ? 1 : 0);
    process.stdout.write(
      `# Retry-After 1000 ms: the client waited ${limited!.next_wait_ms} ms (honored: ${limited!.retry_after_honored})\n`,
    );
  });
});

describe('keys stay out of the record', () => {
  it('OPENAI_API_KEY and GROQ_API_KEY reach neither runs.settings nor the logs', async () => {
    const key = 'sk-test-5ecret-0123456789';
    const lab = await startTestLab(
      { LLM_PROVIDER: 'openai', OPENAI_API_KEY: key, GROQ_API_KEY: `gsk-${key}`, OPENAI_MODEL: 'chaos-lab-offline' },
      {},
      ['weather'],
    );
    try {
      const settings = { ...lab.settings, OPENAI_BASE_URL: lab.model.baseUrl };
      const summary = await runAgent(settings, {
        promptsFile: lab.promptsFile(['What is the weather in Paris?']),
        runId: 'keys-1',
        endpoints: directEndpoints(lab),
      });
      assert.equal(summary.prompts.unchecked, 1, 'the openai path answered');
      const [run] = lab.rows<{ settings: string; model: string }>(
        'SELECT settings, model FROM runs WHERE run_id = ?',
        'keys-1',
      );
      assert.equal(run!.model, 'openai:chaos-lab-offline');
      assert.doesNotMatch(run!.settings, /5ecret/);
      assert.equal(JSON.parse(run!.settings).OPENAI_API_KEY, '(set)');
      for (const file of ['agent.log', 'info.log'])
        assert.doesNotMatch(readFileSync(join(lab.settings.LOG_DIR, file), 'utf8'), /5ecret/, file);
      assert.equal(
        lab.rows('SELECT 1 FROM model_calls WHERE run_id = ? AND provider = ?', 'keys-1', 'openai').length,
        2,
      );
    } finally {
      await lab.close();
    }
  });
});
