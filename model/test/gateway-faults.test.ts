/**
 * Each LLM fault of the gateway, as a client sees it on the wire, and its record: one fault_events row
 * (kind llm) per faulted request, with the request's id, closed when the response ends or the client
 * gives up. Timings are checked with tolerances: lower bounds only.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '@chaos-lab/common';
import { faultsFromSettings, UNKNOWN_TOOL_NAME, type LlmFault } from '../src/index.js';
import { complete, startTestModelServer } from './support.js';

/** Runs `check` against a server whose every request gets `fault`, then returns the fault's event rows. */
async function withFault(fault: LlmFault, check: (lab: Awaited<ReturnType<typeof startTestModelServer>>) => Promise<void>) {
  const lab = await startTestModelServer(fault);
  try {
    await check(lab);
    const deadline = Date.now() + 5000;
    let rows = lab.rows<{ kind: string; name: string; attributes: string; ended_by: string | null }>('SELECT kind, name, attributes, ended_by FROM fault_events');
    // The event closes when the server sees the response end: wait on the record, with a deadline.
    while (rows.some((r) => r.ended_by === null) && Date.now() < deadline) {
      await new Promise((resolve) => setImmediate(resolve));
      rows = lab.rows('SELECT kind, name, attributes, ended_by FROM fault_events');
    }
    return rows;
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
    it(`${kind}: HTTP ${status}${retryAfter ? ' with Retry-After' : ''}, recorded with the request id`, async () => {
      const rows = await withFault({ kind }, async (lab) => {
        const res = await complete(lab.server, {}, { 'X-Request-Id': `req-${kind}`, 'X-Chaos-Run': 'run-1', 'X-Chaos-Prompt': '3' });
        assert.equal(res.status, status);
        assert.equal(res.headers.get('retry-after'), retryAfter);
        assert.equal(res.headers.get('x-chaos-fault'), kind);
        await res.text();
      });
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.kind, 'llm');
      assert.equal(rows[0]!.name, kind);
      assert.equal(JSON.parse(rows[0]!.attributes).request_id, `req-${kind}`);
      assert.equal(rows[0]!.ended_by, 'response_sent');
    });
  }

  it('context_length says so in the OpenAI error code', async () => {
    await withFault({ kind: 'context_length' }, async (lab) => {
      const body = (await (await complete(lab.server, {})).json()) as { error: { code: string } };
      assert.equal(body.error.code, 'context_length_exceeded');
    });
  });

  it('hang: no answer until the client gives up, recorded as client_closed', async () => {
    const rows = await withFault({ kind: 'hang' }, async (lab) => {
      const started = Date.now();
      await assert.rejects(complete(lab.server, {}, {}, AbortSignal.timeout(300)), { name: 'TimeoutError' });
      assert.ok(Date.now() - started >= 290);
    });
    assert.equal(rows[0]!.ended_by, 'client_closed');
  });

  it('slow_first_token: the first byte after delay_ms', async () => {
    await withFault({ kind: 'slow_first_token', delay_ms: 400 }, async (lab) => {
      const started = Date.now();
      const res = await complete(lab.server, {});
      assert.ok(Date.now() - started >= 390, 'headers wait for the first token');
      assert.equal(res.status, 200);
      await res.json();
    });
  });

  it('slow_stream: delay_ms between chunks', async () => {
    await withFault({ kind: 'slow_stream', delay_ms: 100 }, async (lab) => {
      const started = Date.now();
      const text = await (await complete(lab.server, { stream: true })).text();
      const events = text.split('\n\n').filter(Boolean).length;
      assert.ok(events >= 3);
      assert.ok(Date.now() - started >= (events - 1) * 95, `${events} events in ${Date.now() - started} ms`);
    });
  });

  it('stream_cut: the connection closes after after_chunks chunks, without [DONE]', async () => {
    await withFault({ kind: 'stream_cut', after_chunks: 1 }, async (lab) => {
      const res = await complete(lab.server, { stream: true });
      await assert.rejects(res.text(), (err: Error) => /terminated/i.test(err.message));
    });
  });

  it('stream_cut on a whole answer: the body ends before its JSON does', async () => {
    await withFault({ kind: 'stream_cut', after_chunks: 2 }, async (lab) => {
      const res = await complete(lab.server, {});
      await assert.rejects(res.text());
    });
  });

  it('malformed_json: a 200 whose body is not JSON, and a stream chunk that is not', async () => {
    await withFault({ kind: 'malformed_json' }, async (lab) => {
      const res = await complete(lab.server, {});
      assert.equal(res.status, 200);
      await assert.rejects(res.json());
      const chunks = (await (await complete(lab.server, { stream: true })).text()).split('\n\n').filter((e) => e.startsWith('data: {'));
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
      const body = (await (await complete(lab.server, {})).json()) as { choices: Array<{ message: { tool_calls: Array<{ function: { name: string; arguments: string } }> } }> };
      const call = body.choices[0]!.message.tool_calls[0]!;
      assert.equal(call.function.name, 'get_weather');
      assert.throws(() => JSON.parse(call.function.arguments));
    });
  });

  it('unknown_tool: a tool call of a tool that was not offered', async () => {
    await withFault({ kind: 'unknown_tool' }, async (lab) => {
      const body = (await (await complete(lab.server, {})).json()) as { choices: Array<{ message: { tool_calls: Array<{ function: { name: string } }> } }> };
      assert.equal(body.choices[0]!.message.tool_calls[0]!.function.name, UNKNOWN_TOOL_NAME);
    });
  });

  it('empty_completion: content "" and no tool calls', async () => {
    await withFault({ kind: 'empty_completion' }, async (lab) => {
      const body = (await (await complete(lab.server, {})).json()) as { choices: Array<{ finish_reason: string; message: { content: string | null; tool_calls?: unknown[] } }> };
      assert.equal(body.choices[0]!.message.content, '');
      assert.equal(body.choices[0]!.message.tool_calls, undefined);
      assert.equal(body.choices[0]!.finish_reason, 'stop');
    });
  });
});

describe('LLM fault triggers from settings', () => {
  it('LLM_FAULT_CALLS faults exactly those calls of a run; LLM_FAULT_PROMPTS every call of those prompts', () => {
    const source = faultsFromSettings({ LLM_FAULT_PROB: 0, LLM_FAULTS: ['rate_limit'], LLM_FAULT_CALLS: [2, 4], LLM_FAULT_PROMPTS: [5] }, createRandom(1));
    const faulted = [1, 2, 3, 4, 5].map((callNumber) => source({ callNumber, promptIndex: 0 })?.kind ?? null);
    assert.deepEqual(faulted, [null, 'rate_limit', null, 'rate_limit', null]);
    assert.equal(source({ callNumber: 9, promptIndex: 5 })?.kind, 'rate_limit');
  });

  it('LLM_FAULT_PROB: about that share of calls, the same calls for the same seed', () => {
    const draw = () => {
      const source = faultsFromSettings({ LLM_FAULT_PROB: 0.3, LLM_FAULTS: ['server_error', 'hang'], LLM_FAULT_CALLS: [], LLM_FAULT_PROMPTS: [] }, createRandom(7));
      return Array.from({ length: 1000 }, (_, i) => source({ callNumber: i + 1 })?.kind ?? null);
    };
    const first = draw();
    assert.deepEqual(draw(), first);
    const share = first.filter(Boolean).length / 1000;
    assert.ok(share > 0.25 && share < 0.35, `share ${share}`);
    assert.deepEqual(new Set(first.filter(Boolean)), new Set(['server_error', 'hang']));
  });
});
