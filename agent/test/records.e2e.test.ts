import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { currentRun, isLabError, openDatabase } from '@chaos-lab/common';
import { runAgent } from '../src/index.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';
import { ScriptedChatModel, callThenAnswer } from './support/scripted-model.js';

const PROMPTS = ['What is the weather in Paris?', 'Calculate 15 * 23 + 47', 'What is the weather in Atlantis?'];
/** The first two carry expectations the scripted answers meet; the third has none, so it is not checked. */
const ENTRIES = [
  { prompt: PROMPTS[0]!, expect: { tools: [{ tool: 'get_weather', args: { city: 'paris' } }], contains: ['Paris'] } },
  { prompt: PROMPTS[1]!, expect: { tools: ['calculate'], matches: '\\b392\\b' } },
  PROMPTS[2]!,
];

/** The scripted model's tool calls for each prompt. */
function route(prompt: string) {
  if (prompt.includes('Calculate')) return [{ name: 'calculate', args: { expression: '15 * 23 + 47' } }];
  return [{ name: 'get_weather', args: { city: prompt.includes('Paris') ? 'Paris' : 'Atlantis' } }];
}

describe('a run records its run, control, prompt results, tool calls and logs', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({}, {}, ['weather', 'calculator']);
  });
  after(async () => lab?.close());

  it('fills every table and log for a clean run', async () => {
    let phaseDuringPrompt: unknown;
    const model = new ScriptedChatModel((messages, turn) => {
      if (turn === 0) {
        const db = openDatabase(lab.settings.LAB_DB_PATH);
        phaseDuringPrompt = currentRun(db);
        db.close();
      }
      return callThenAnswer(route)(messages, turn);
    });
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile(ENTRIES),
      runId: 'records-1',
      model,
      endpoints: directEndpoints(lab),
    });

    assert.equal(summary.status, 'completed', summary.error);
    assert.deepEqual(
      [
        summary.promptsTotal,
        summary.prompts.correct,
        summary.prompts.unchecked,
        summary.prompts.failed,
        summary.promptAttempts,
      ],
      [3, 2, 1, 0, 3],
    );
    assert.equal(summary.successRate, 1, 'the unchecked prompt counts on neither side');
    assert.deepEqual([summary.toolAttempts, summary.retries, summary.fallbacks], [3, 0, 0]);
    assert.ok(
      summary.toolLatencyP50Ms !== null &&
        summary.toolLatencyP95Ms !== null &&
        summary.toolLatencyP50Ms <= summary.toolLatencyP95Ms,
    );
    assert.deepEqual(summary.errorTypes, {});
    assert.equal(summary.model, 'custom:ScriptedChatModel');
    assert.equal(summary.seed, 1);
    assert.deepEqual(phaseDuringPrompt, {
      runId: 'records-1',
      phase: 'active',
      currentPrompt: 0,
      heartbeatAt: (phaseDuringPrompt as { heartbeatAt: number }).heartbeatAt,
      seed: 1,
    });

    const [run] = lab.rows<Record<string, unknown>>('SELECT * FROM runs WHERE run_id = ?', 'records-1');
    assert.equal(run!.status, 'completed');
    assert.equal(run!.prompts_total, 3);
    assert.deepEqual(
      [run!.prompts_correct, run!.prompts_unchecked, run!.prompts_wrong, run!.prompts_unhandled, run!.prompts_failed],
      [2, 1, 0, 0, 0],
    );
    assert.equal(run!.seed, 1);
    assert.ok(typeof run!.finished_at === 'number' && run!.finished_at >= (run!.started_at as number));
    assert.equal(JSON.parse(run!.settings as string).TOOL_LIMIT, 1);
    assert.deepEqual(lab.rows('SELECT phase, current_prompt FROM control WHERE run_id = ?', 'records-1'), [
      { phase: 'done', current_prompt: null },
    ]);

    const results = lab.rows<Record<string, unknown>>(
      'SELECT * FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'records-1',
    );
    assert.deepEqual(
      results.map((r) => [r.prompt_index, r.prompt, r.status, r.verdict, r.attempts, r.error_type]),
      [
        [0, PROMPTS[0], 'correct', 'every expectation met', 1, null],
        [1, PROMPTS[1], 'correct', 'every expectation met', 1, null],
        [2, PROMPTS[2], 'unchecked', 'not checked', 1, null],
      ],
    );
    assert.deepEqual(JSON.parse(results[1]!.expectation as string), {
      tools: [{ tool: 'calculate' }],
      matches: '\\b392\\b',
    });
    assert.equal(results[2]!.expectation, null);
    assert.match(results[0]!.answer as string, /^get_weather:success:\{.*"city":"Paris"/);
    assert.match(results[1]!.answer as string, /^calculate:success:\{.*"result":392/);
    // A 4xx is an answer the model reads, not a failed tool call.
    assert.match(results[2]!.answer as string, /^get_weather:error:.*404.*unknown city/i);

    const calls = lab.rows<Record<string, unknown>>(
      'SELECT * FROM tool_calls WHERE run_id = ? ORDER BY prompt_index',
      'records-1',
    );
    assert.deepEqual(
      calls.map((c) => [
        c.prompt_index,
        c.prompt_attempt,
        c.tool,
        c.service,
        c.attempt,
        c.via,
        c.outcome,
        c.http_status,
      ]),
      [
        [0, 1, 'get_weather', 'weather', 1, 'proxy', 'ok', 200],
        [1, 1, 'calculate', 'calculator', 1, 'proxy', 'ok', 200],
        [2, 1, 'get_weather', 'weather', 1, 'proxy', 'http_error', 404],
      ],
    );
    assert.equal(new Set(calls.map((c) => c.call_id)).size, 3);

    const agentLog = lab.logLines('agent').filter((l) => l.run_id === 'records-1');
    assert.equal(agentLog.filter((l) => l.msg === 'tool attempt').length, 3);
    assert.equal(agentLog.filter((l) => String(l.msg).startsWith('prompt attempt')).length, 3);
    const info = lab.logLines('info').filter((l) => l.run_id === 'records-1');
    assert.ok(
      info.some(
        (l) =>
          String(l.msg).startsWith('agent run starting') && (l.settings as Record<string, unknown>).PROMPT_LIMIT === 1,
      ),
    );
    assert.deepEqual(info.find((l) => l.msg === 'agent run summary')?.summary, JSON.parse(JSON.stringify(summary)));
  });

  it('refuses a run id that exists, before recording anything', async () => {
    const model = new ScriptedChatModel(callThenAnswer(route));
    await assert.rejects(
      runAgent(lab.settings, {
        promptsFile: lab.promptsFile(PROMPTS),
        runId: 'records-1',
        model,
        endpoints: directEndpoints(lab),
      }),
      (err: unknown) => isLabError(err, 'VALIDATION') && /already exists/.test(err.message),
    );
    assert.equal(model.turns, 0);
  });

  it('stops on a bad prompts file before recording anything', async () => {
    await assert.rejects(
      runAgent(lab.settings, {
        promptsFile: lab.promptsFile([]),
        runId: 'records-2',
        model: new ScriptedChatModel(callThenAnswer(route)),
      }),
      (err: unknown) => isLabError(err, 'PROMPTS_INVALID'),
    );
    assert.deepEqual(lab.rows('SELECT run_id FROM runs WHERE run_id = ?', 'records-2'), []);
  });
});
