import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runAgent } from '../src/index.js';
import { type ProxiedLab, type TestLab, startProxies, startTestLab } from './support/lab.js';

describe('ERROR_PROB=1 on one service', () => {
  let lab: TestLab;
  let proxied: ProxiedLab;
  before(async () => {
    lab = await startTestLab(
      { LLM_PROVIDER: 'offline', TOOL_LIMIT: '2', PROMPT_LIMIT: '2', PROXY_TIMEOUT_MS: '1000' },
      { weather: { ERROR_PROB: '1' } },
      ['weather', 'message'],
    );
    proxied = await startProxies(lab);
  });
  after(async () => {
    await proxied?.close();
    await lab?.close();
  });

  it('gives server failures for its prompts after the retries and the fallback; other prompts succeed', async () => {
    const summary = await runAgent(lab.settings, {
      promptsFile: lab.promptsFile([
        'What is the weather in Tokyo?',
        { prompt: 'Check my inbox', expect: { tools: ['read_inbox'], contains: ['messages'] } },
      ]),
      runId: 'server-1',
      endpoints: proxied.endpoints,
    });
    assert.equal(summary.status, 'completed');
    assert.deepEqual([summary.prompts.correct, summary.prompts.failed], [1, 1]);
    assert.deepEqual(summary.errorTypes, { server: 1 });
    const weather = lab.rows<{
      prompt_attempt: number;
      attempt: number;
      via: string;
      outcome: string;
      http_status: number;
    }>(
      "SELECT prompt_attempt, attempt, via, outcome, http_status FROM tool_calls WHERE run_id = ? AND tool = 'get_weather' ORDER BY id",
      'server-1',
    );
    assert.deepEqual(
      weather.map((r) => `${r.prompt_attempt}.${r.attempt}:${r.via}:${r.outcome}:${r.http_status}`),
      [
        '1.1:proxy:http_error:503',
        '1.2:proxy:http_error:503',
        '1.3:direct:http_error:503',
        '2.1:proxy:http_error:503',
        '2.2:proxy:http_error:503',
        '2.3:direct:http_error:503',
      ],
    );
    const rows = lab.rows<{ status: string; attempts: number; error_type: string | null; error: string | null }>(
      'SELECT status, attempts, error_type, error FROM prompt_results WHERE run_id = ? ORDER BY prompt_index',
      'server-1',
    );
    assert.deepEqual(
      rows.map((r) => [r.status, r.attempts, r.error_type]),
      [
        ['failed', 2, 'server'],
        ['correct', 1, null],
      ],
    );
    assert.match(rows[0]!.error!, /^get_weather gave no result: HTTP 503: simulated server error/);
  });
});
