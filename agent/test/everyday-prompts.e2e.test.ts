import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { loadPrompts, runAgent } from '../src/index.js';
import { judge } from '../src/verdicts/verdict.js';
import { type TestLab, directEndpoints, startTestLab } from './support/lab.js';

/** Everyday prompts that are not shipped, each with an expectation. */
const FILE = fileURLToPath(new URL('./fixtures/everyday-prompts.json', import.meta.url));

/**
 * What the offline model does with each today, against the real tool services. `unhandled` where the
 * lab's data cannot answer (films carry no director or cast, the search corpus knows no Canberra or
 * Hamlet, the weather service observes now and forecasts nothing): the model says so instead of passing off another tool's output.
 */
const STATUS: Record<string, 'correct' | 'unhandled'> = {
  'film-director': 'unhandled',
  tip: 'correct',
  'inbox-did-write': 'correct',
  'book-lunch': 'correct',
  'weather-then-text': 'correct',
  'weather-unknown-city': 'correct',
  'film-year': 'correct',
  discount: 'correct',
  'inbox-any-from': 'correct',
  'remind-plants': 'correct',
  'say-italian': 'correct',
  'book-dinner': 'correct',
  capital: 'unhandled',
  'film-cast': 'unhandled',
  'split-bill': 'correct',
  'weather-then-send': 'correct',
  hamlet: 'unhandled',
  'tip-percent-words': 'correct',
  'tip-at': 'correct',
  'inbox-did-reply': 'correct',
  'inbox-what-said': 'correct',
  'rain-tomorrow': 'unhandled',
};

/** Wrong answers that read as answers (another tool's output passed off as the answer): no expectation may take them as correct. */
const BAD_ANSWERS: Record<string, { answer: string; calls: { tool: string; args: Record<string, unknown> }[] }> = {
  'film-director': {
    answer:
      'Here is what I found for "Who directed The Godfather":\n1. Git: Commits form a directed acyclic graph identified by hashes (https://git-scm.com/)',
    calls: [{ tool: 'search_web', args: { query: 'Who directed The Godfather' } }],
  },
  tip: { answer: '18 / 100 = 0.18.', calls: [{ tool: 'calculate', args: { expression: '18 / 100' } }] },
  'inbox-did-write': {
    answer:
      'Here is what I found for "Did Alice write to me":\n1. Alice and Bob (https://en.wikipedia.org/wiki/Alice_and_Bob)',
    calls: [{ tool: 'search_web', args: { query: 'Did Alice write to me' } }],
  },
  'book-lunch': { answer: 'Sorry, I could not work out what to do with that.', calls: [] },
};

describe('everyday prompts through the offline agent, against the real tool services', () => {
  let lab: TestLab;
  before(async () => {
    lab = await startTestLab({ LLM_PROVIDER: 'offline', AGENT_CONCURRENCY: '2' });
  });
  after(async () => lab?.close());

  it('records every answer as correct, wrong or unhandled, never a wrong answer as correct', async (t) => {
    const prompts = loadPrompts(FILE);
    assert.ok(prompts.length >= 12 && prompts.every((p) => p.expect !== undefined && p.id !== undefined));
    const summary = await runAgent(lab.settings, {
      promptsFile: FILE,
      runId: 'everyday',
      endpoints: directEndpoints(lab),
    });
    const rows = lab.rows<{
      prompt_id: string;
      status: string;
      verdict: string | null;
      answer: string | null;
      error: string | null;
    }>(
      'SELECT prompt_id, status, verdict, answer, error FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'everyday',
    );
    const seen = Object.fromEntries(rows.map((r) => [r.prompt_id, r.status]));
    const why = rows
      .filter((r) => r.status !== STATUS[r.prompt_id])
      .map((r) => `${r.prompt_id}: ${r.status}: ${r.verdict ?? r.error}\n${r.answer}`);
    assert.deepEqual(seen, STATUS, why.join('\n\n'));
    // The honest answers never pass another tool's output off: no web results for the director.
    const director = rows.find((r) => r.prompt_id === 'film-director')!;
    assert.match(director.answer!, /does not say who directed it/);
    assert.doesNotMatch(director.answer!, /git|Here is what I found/i);
    const correct = rows.filter((r) => r.status === 'correct').length;
    const unhandled = rows.filter((r) => r.status === 'unhandled').length;
    assert.deepEqual(
      [summary.prompts.correct, summary.prompts.unhandled, summary.prompts.wrong, summary.prompts.failed],
      [correct, unhandled, 0, 0],
    );
    t.diagnostic(`everyday prompts: ${correct} of ${rows.length} correct, ${unhandled} unhandled, 0 wrong`);
  });

  it('their expectations are sound: wrong answers that read as answers, and an off-topic answer, are never correct', () => {
    const prompts = loadPrompts(FILE);
    const byId = new Map(prompts.map((p) => [p.id, p]));
    for (const [id, bad] of Object.entries(BAD_ANSWERS)) {
      assert.notEqual(judge(byId.get(id)!.expect, bad).status, 'correct', id);
    }
    const offTopic = {
      answer: 'Here is what I found for "git":\n1. Git: a distributed version control system.',
      calls: [{ tool: 'search_web', args: { query: 'git' } }],
    };
    for (const p of prompts) assert.equal(judge(p.expect, offTopic).status, 'wrong', p.id);
  });
});
