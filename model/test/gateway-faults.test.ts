/**
 * Each LLM fault of the gateway, as a client sees it on the wire, with its settable attributes. (Where
 * faults come from in a lab, the proxy-manager's schedule, is planned-source.test.ts.) Timings are
 * checked with tolerances: lower bounds only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UNKNOWN_TOOL_NAME, type LlmFault } from '../src/index.js';
import { complete, startTestModelServer } from './support/model-server.js';

/** Runs `check` against a server whose every request gets `fault`. */
async function withFault(
  fault: LlmFault,
  check: (lab: Awaited<ReturnType<typeof startTestModelServer>>) => Promise<void>,
) {
  const lab = await startTestModelServer(fault);
  try {
    await check(lab);
  } finally {
    await lab.close();
  }
}

const errorCases: Array<[LlmFault['kind'], number, string | null]> = [
  ['rate_limit', 429, '1'],
  ['server_error', 500, null],
  ['bad_gateway', 502, null],
  ['unavailable', 503, '1'],
  ['unauthorized', 401, null],
  ['context_length', 400, null],
];

describe('LLM faults of the gateway', () => {
  for (const [kind, status, retryAfter] of errorCases) {
    it(`${kind}: HTTP ${status}${retryAfter ? ' with Retry-After' : ''}, in the OpenAI error shape`, async () => {
      await withFault({ kind }, async (lab) => {
        const res = await complete(
          lab.server,
          {},
          { 'X-Request-Id': `req-${kind}`, 'X-Chaos-Run': 'run-1', 'X-Chaos-Prompt': '3' },
        );
        assert.equal(res.status, status);
        assert.equal(res.headers.get('retry-after'), retryAfter);
        assert.equal(res.headers.get('x-chaos-fault'), kind);
        await res.text();
      });
    });
  }

  it('status and retry_after_s: the error kinds answer with the planned status and Retry-After', async () => {
    await withFault({ kind: 'rate_limit', status: 529, retry_after_s: 7 }, async (lab) => {
      const res = await complete(lab.server, {});
      assert.equal(res.status, 529);
      assert.equal(res.headers.get('retry-after'), '7');
      assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'rate_limit_exceeded');
    });
  });

  it('context_length says so in the OpenAI error code', async () => {
    await withFault({ kind: 'context_length' }, async (lab) => {
      const body = (await (await complete(lab.server, {})).json()) as { error: { code: string } };
      assert.equal(body.error.code, 'context_length_exceeded');
    });
  });

  it('hang: no answer until the client gives up', async () => {
    await withFault({ kind: 'hang' }, async (lab) => {
      const started = Date.now();
      await assert.rejects(complete(lab.server, {}, {}, AbortSignal.timeout(300)), { name: 'TimeoutError' });
      assert.ok(Date.now() - started >= 290);
    });
  });

  it('hang with hang_ms: held that long, then the connection is closed unanswered', async () => {
    await withFault({ kind: 'hang', hang_ms: 200 }, async (lab) => {
      const started = Date.now();
      await assert.rejects(
        complete(lab.server, {}, {}, AbortSignal.timeout(5000)),
        (err: Error) => err.name !== 'TimeoutError',
      );
      assert.ok(Date.now() - started >= 190, `closed after ${Date.now() - started} ms`);
    });
  });

  it('slow_first_token: the first byte after first_token_delay_ms', async () => {
    await withFault({ kind: 'slow_first_token', first_token_delay_ms: 400 }, async (lab) => {
      const started = Date.now();
      const res = await complete(lab.server, {});
      assert.ok(Date.now() - started >= 390, 'headers wait for the first token');
      assert.equal(res.status, 200);
      await res.json();
    });
  });

  it('slow_stream: chunk_delay_ms between chunks', async () => {
    await withFault({ kind: 'slow_stream', chunk_delay_ms: 100 }, async (lab) => {
      const started = Date.now();
      const text = await (await complete(lab.server, { stream: true })).text();
      const events = text.split('\n\n').filter(Boolean).length;
      assert.ok(events >= 3);
      assert.ok(Date.now() - started >= (events - 1) * 95, `${events} events in ${Date.now() - started} ms`);
    });
  });

  it('stream_cut: the connection closes after cut_after_chunks chunks, without [DONE]', async () => {
    await withFault({ kind: 'stream_cut', cut_after_chunks: 1 }, async (lab) => {
      const res = await complete(lab.server, { stream: true });
      await assert.rejects(res.text(), (err: Error) => /terminated/i.test(err.message));
    });
  });

  it('stream_cut on a whole answer: the body ends before its JSON does', async () => {
    await withFault({ kind: 'stream_cut', cut_after_chunks: 2 }, async (lab) => {
      const res = await complete(lab.server, {});
      await assert.rejects(res.text());
    });
  });

  it('malformed_json: a 200 whose body is not JSON, and a stream chunk that is not', async () => {
    await withFault({ kind: 'malformed_json' }, async (lab) => {
      const res = await complete(lab.server, {});
      assert.equal(res.status, 200);
      await assert.rejects(res.json());
      const chunks = (await (await complete(lab.server, { stream: true })).text())
        .split('\n\n')
        .filter((e) => e.startsWith('data: {'));
      const parses = (text: string) => {
        try {
          JSON.parse(text);
          return true;
        } catch {
          return false;
        }
      };
      assert.ok(chunks.some((c) => !parses(c.slice(6))));
    });
  });

  it('bad_tool_args: a tool call whose arguments are not JSON', async () => {
    await withFault({ kind: 'bad_tool_args' }, async (lab) => {
      const body = (await (await complete(lab.server, {})).json()) as {
        choices: Array<{ message: { tool_calls: Array<{ function: { name: string; arguments: string } }> } }>;
      };
      const call = body.choices[0]!.message.tool_calls[0]!;
      assert.equal(call.function.name, 'get_weather');
      assert.throws(() => JSON.parse(call.function.arguments));
    });
  });

  it('unknown_tool: a tool call of a tool that was not offered', async () => {
    await withFault({ kind: 'unknown_tool' }, async (lab) => {
      const body = (await (await complete(lab.server, {})).json()) as {
        choices: Array<{ message: { tool_calls: Array<{ function: { name: string } }> } }>;
      };
      assert.equal(body.choices[0]!.message.tool_calls[0]!.function.name, UNKNOWN_TOOL_NAME);
    });
  });

  it('empty_completion: content "" and no tool calls', async () => {
    await withFault({ kind: 'empty_completion' }, async (lab) => {
      const body = (await (await complete(lab.server, {})).json()) as {
        choices: Array<{ finish_reason: string; message: { content: string | null; tool_calls?: unknown[] } }>;
      };
      assert.equal(body.choices[0]!.message.content, '');
      assert.equal(body.choices[0]!.message.tool_calls, undefined);
      assert.equal(body.choices[0]!.finish_reason, 'stop');
    });
  });
});
