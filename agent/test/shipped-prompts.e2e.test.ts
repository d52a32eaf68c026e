import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TOOL_NAMES } from '@chaos-lab/common';
import { OFFLINE_MODEL_LABEL, loadPrompts, runAgent } from '../src/index.js';
import { type ProxiedLab, type TestLab, startProxies, startTestLab } from './support/lab.js';

describe('the shipped prompts through the real agent loop, offline model, tools behind the Toxiproxy-compatible server', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  before(async () => {
    lab = await startTestLab({ LLM_PROVIDER: 'offline', AGENT_CONCURRENCY: '2' });
    proxied = await startProxies(lab);
  });
  after(async () => {
    await proxied?.close();
    await lab?.close();
  });

  it('answers every prompt correctly without chaos, each with tool results, every prompt carrying an expectation', async () => {
    const prompts = loadPrompts(lab.settings.PROMPTS_FILE);
    assert.deepEqual(
      prompts.filter((p) => p.expect === undefined).map((p) => p.id),
      [],
      'every shipped prompt carries an expectation',
    );
    const summary = await runAgent(lab.settings, { runId: 'shipped', endpoints: proxied.endpoints });
    const rows = lab.rows<{
      prompt_index: number;
      prompt: string;
      status: string;
      attempts: number;
      answer: string;
      error: string | null;
      verdict: string | null;
    }>(
      'SELECT prompt_index, prompt, status, attempts, answer, error, verdict FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'shipped',
    );
    const notCorrect = rows
      .filter((r) => r.status !== 'correct')
      .map((r) => `${r.prompt_index} ${r.prompt}: ${r.status}: ${r.verdict ?? r.error}\n${r.answer}`);
    assert.deepEqual(notCorrect, []);
    assert.equal(summary.model, OFFLINE_MODEL_LABEL);
    assert.deepEqual(
      [summary.status, summary.promptsTotal, summary.prompts.correct, summary.successRate],
      ['completed', prompts.length, prompts.length, 1],
    );
    assert.deepEqual(
      rows.map((r) => r.prompt),
      prompts.map((p) => p.prompt),
    );
    assert.ok(rows.every((r) => r.attempts === 1 && r.answer.trim().length > 0));
    assert.deepEqual([summary.retries, summary.fallbacks], [0, 0]);

    const calls = lab.rows<{ prompt_index: number; tool: string; via: string; outcome: string }>(
      'SELECT prompt_index, tool, via, outcome FROM tool_calls WHERE run_id = ?',
      'shipped',
    );
    assert.ok(
      calls.every((c) => c.via === 'proxy' && c.outcome === 'ok'),
      JSON.stringify(calls.filter((c) => c.outcome !== 'ok')),
    );
    assert.deepEqual(new Set(calls.map((c) => c.tool)), new Set(TOOL_NAMES), 'every tool is used');
    assert.deepEqual(
      new Set(calls.map((c) => c.prompt_index)),
      new Set(prompts.map((p) => p.index)),
      'every prompt calls a tool',
    );
  });
});
