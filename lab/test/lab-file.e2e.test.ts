// The lab file end to end, through a real `chaos-lab up`: one declaration adds a tool service of the
// user's own (a command the lab starts), and it is proxied, faulted by the chaos loop, called by the
// agent (a stub OpenAI-compatible model asks for its tool), recorded and charted; a declared service
// that is not there, and a bad lab file, each stop the lab with a line naming them.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase, PROJECT_ROOT } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { labEnv, startLab } from './support/lab-run.js';

const QUOTE_SERVICE = join(PROJECT_ROOT, 'lab', 'test', 'fixtures', 'quote-service.mjs');

/** The one entry that adds the service (what a user writes). */
const QUOTES_ENTRY = `
  - name: quotes
    run: command
    command: [node, ${QUOTE_SERVICE}]
    port: 5100
    tools:
      - name: get_quote
        description: A famous quote about a topic.
        arguments: { type: object, properties: { topic: { type: string } }, required: [topic] }
        http: { method: GET, path: /quote, in: query }
`;

/** An OpenAI-compatible model that calls get_quote once per prompt, then answers with what it got. */
function startStubModel(): Promise<Server> {
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      const body = JSON.parse(text) as { messages: Array<{ role: string; content: unknown }> };
      const last = body.messages.at(-1)!;
      const message =
        last.role === 'tool'
          ? { role: 'assistant', content: `Here it is: ${String(last.content)}` }
          : {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: `call_${body.messages.length}`,
                  type: 'function',
                  function: { name: 'get_quote', arguments: '{"topic":"chaos"}' },
                },
              ],
            };
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'stub',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: 'stub',
          choices: [{ index: 0, message, finish_reason: last.role === 'tool' ? 'stop' : 'tool_calls' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('the lab file', () => {
  const tmp = makeTempDir('chaos-lab-labfile-');
  let model: Server;
  before(async () => {
    model = await startStubModel();
  });
  after(async () => {
    await new Promise((r) => model.close(r));
    tmp.cleanup();
  });

  function labDir(name: string, labFile: string, prompts: number): { dir: string; env: Record<string, string> } {
    const dir = join(tmp.path, name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'lab.yaml'), labFile);
    writeFileSync(
      join(dir, 'prompts.json'),
      JSON.stringify(Array.from({ length: prompts }, () => ({ prompt: 'A quote about chaos, please.' }))),
    );
    const { port } = model.address() as AddressInfo;
    return {
      dir,
      env: {
        LAB_FILE: join(dir, 'lab.yaml'),
        PROMPTS_FILE: join(dir, 'prompts.json'),
        LLM_PROVIDER: 'openai',
        OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`,
        OPENAI_MODEL: 'stub',
      },
    };
  }

  it('one declaration adds a tool service: proxied, faulted, called, recorded and charted', async () => {
    const { dir, env } = labDir('added', `services:${QUOTES_ENTRY}`, 3);
    const run = startLab(
      dir,
      ['up'],
      await labEnv(dir, { ...env, TOXIC_PROB: '1', TOXICS: 'latency', TOOL_LIMIT: '2', PROXY_TIMEOUT_MS: '400' }),
    );
    const { code } = await run.exit;
    assert.equal(code, 0, run.output());
    const db = openDatabase(run.dbPath);
    try {
      const faults = db.prepare(`SELECT COUNT(*) AS n FROM fault_events WHERE proxy = 'quotes_proxy'`).get() as {
        n: number;
      };
      assert.ok(faults.n >= 1, 'the chaos loop faulted quotes_proxy');
      const attempts = db.prepare(`SELECT tool, via, outcome FROM tool_calls WHERE service = 'quotes'`).all() as Array<{
        tool: string;
        via: string;
        outcome: string;
      }>;
      assert.ok(attempts.length >= 3, `every prompt called get_quote (${attempts.length} attempts)`);
      assert.ok(attempts.every((a) => a.tool === 'get_quote'));
      assert.ok(
        attempts.some((a) => a.outcome === 'ok'),
        'the service answered',
      );
      const calls = db
        .prepare(`SELECT result_digest FROM logical_calls WHERE service = 'quotes' AND status = 'result'`)
        .all() as Array<{ result_digest: string }>;
      assert.ok(calls.some((c) => c.result_digest.includes('Chaos is a ladder.')));
    } finally {
      db.close();
    }
    const charts = join(dir, 'charts');
    const report = readdirSync(charts)
      .filter((f) => f.endsWith('.html') || f.endsWith('.json') || f.endsWith('.svg'))
      .map((f) => readFileSync(join(charts, f), 'utf8'))
      .join('\n');
    assert.match(report, /quotes_proxy/, 'the charts and report show its proxy');
    assert.match(report, /get_quote/, 'the charts and report show its tool');
  });

  it('a declared service that is not there stops the lab with a line naming it', async () => {
    const { dir, env } = labDir(
      'absent',
      `services:${QUOTES_ENTRY}
  - name: ghost
    run: url
    url: http://127.0.0.1:9
    tools:
      - name: boo
        description: Never answers.
        arguments: { type: object }
        http: { method: GET, path: /boo }
`,
      1,
    );
    const run = startLab(dir, ['up'], await labEnv(dir, env));
    const { code } = await run.exit;
    assert.equal(code, 1, run.output());
    assert.match(
      run.output(),
      /tool service "ghost" \(run: url, lab file\) is not there: GET http:\/\/127\.0\.0\.1:9\/health gave/,
    );
  });

  it('a bad lab file stops the lab before it starts, naming the path, the value and what is allowed', async () => {
    const { dir, env } = labDir(
      'bad',
      `services:\n  - name: quotes\n    run: command\n    command: [node, x.mjs]\n    port: 70000\n    tools: []\n`,
      1,
    );
    const run = startLab(dir, ['up'], await labEnv(dir, env));
    const { code } = await run.exit;
    assert.equal(code, 2, run.output());
    assert.match(
      run.output(),
      /lab\.yaml: services\[0\]\.port: must be a TCP port \(an integer from 1 to 65535\) \(got 70000\)/,
    );
    assert.match(run.output(), /lab\.yaml: services\[0\]\.tools: must list at least one tool/);
  });
});
