/**
 * Shared by the offline model's tests: a fixed clock, the shipped prompts, stand-in tools that only
 * carry names and schemas, canned tool bodies shaped as the services answer, and a driver that runs the
 * model's tool-call loop by hand (invoke, answer each call with a ToolMessage, invoke again).
 */
import { readFileSync } from 'node:fs';
import { TOOL_NAMES } from '@chaos-lab/common';
import { type AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { tool, type StructuredToolInterface } from '@langchain/core/tools';
import { z } from 'zod';
import { OfflineChatModel } from '../../src/offline/index.js';

/** Saturday 21 November 2026, 09:00 local time: "tomorrow" is 2026-11-22, "next Wednesday" 2026-11-25. */
export const FIXED_NOW = new Date(2026, 10, 21, 9, 0);

/** One entry of agent/prompts.json. */
export interface ShippedPrompt {
  id: string;
  prompt: string;
  tags: string[];
}

/** The shipped prompts file, parsed. */
export function shippedPrompts(): ShippedPrompt[] {
  return JSON.parse(readFileSync(new URL('../../../agent/prompts.json', import.meta.url), 'utf8')) as ShippedPrompt[];
}

/** A tool call as the model made it, without its id. */
export interface Call {
  name: string;
  args: Record<string, unknown>;
}

/** What a stand-in tool answers: a JSON body (sent as the ToolMessage text) or a failure. */
export type Reply = { body: unknown } | { error: string };

/** Tools with the agent's names that accept any arguments; the driver answers their calls itself. */
export function standInTools(names: readonly string[] = TOOL_NAMES): StructuredToolInterface[] {
  return names.map((name) =>
    tool(async () => '', { name, description: `stand-in for ${name}`, schema: z.looseObject({}) }),
  );
}

/** A fresh offline model on the fixed clock with counted tool-call ids (`call_1`, `call_2`, …). */
export function offlineModel(): OfflineChatModel {
  let ids = 0;
  return new OfflineChatModel({ now: () => FIXED_NOW, newToolCallId: () => `call_${++ids}` });
}

/** The outcome of one prompt: the calls of each round, the final answer, and every message. */
export interface Conversation {
  rounds: Call[][];
  answer: string;
  messages: BaseMessage[];
}

/**
 * Runs `prompt` through the model bound to `tools`, answering every tool call with `reply(call)`, until
 * the model answers without tool calls (at most `maxRounds` rounds, so a looping model fails the test).
 */
export async function converse(
  prompt: string,
  reply: (call: Call) => Reply,
  tools: StructuredToolInterface[] = standInTools(),
  maxRounds = 5,
): Promise<Conversation> {
  const model = offlineModel().bindTools(tools);
  const messages: BaseMessage[] = [new HumanMessage(prompt)];
  const rounds: Call[][] = [];
  for (let round = 0; round <= maxRounds; round++) {
    const ai = (await model.invoke(messages)) as AIMessage;
    messages.push(ai);
    const calls = ai.tool_calls ?? [];
    if (calls.length === 0) return { rounds, answer: String(ai.content), messages };
    rounds.push(calls.map((c) => ({ name: c.name, args: c.args })));
    for (const call of calls) {
      const r = reply({ name: call.name, args: call.args });
      messages.push(
        'body' in r
          ? new ToolMessage({ tool_call_id: call.id ?? '', name: call.name, content: JSON.stringify(r.body) })
          : new ToolMessage({ tool_call_id: call.id ?? '', name: call.name, content: r.error, status: 'error' }),
      );
    }
  }
  throw new Error(`the model was still calling tools after ${maxRounds} rounds`);
}

const CALCULATIONS: Record<string, number> = {
  '15 * 23 + 47': 392,
  '15 * 23': 345,
  '20 / 100 * 150': 30,
  'sqrt(144) + 2^10': 1036,
  '7 * 8': 56,
  '1250 * 12': 15000,
};

/** Received messages of the canned inbox, newest first (as the message service seeds them). */
export const CANNED_INBOX = [
  {
    id: 'msg_4',
    from: 'alice@example.com',
    to: 'me',
    body: 'Are we still on for lunch on Friday?',
    sent_at: '2026-11-21T08:25:00.000Z',
  },
  {
    id: 'msg_3',
    from: 'ops-bot@example.com',
    to: 'me',
    body: 'Reminder: game day starts Monday at 10:00.',
    sent_at: '2026-11-21T05:50:00.000Z',
  },
  {
    id: 'msg_2',
    from: 'bob@example.com',
    to: 'me',
    body: 'Could you check the latency charts?',
    sent_at: '2026-11-20T09:00:00.000Z',
  },
];

/**
 * A successful body for any call, shaped as the service would answer it; values are
 * fixed so answers can be checked. A calculation the table does not know is answered as a 400.
 */
export function cannedReply(call: Call): Reply {
  const a = call.args;
  switch (call.name) {
    case 'get_weather':
      return {
        body: {
          city: a.city,
          country: 'Testland',
          temperature_c: 18.2,
          feels_like_c: 17.5,
          humidity_pct: 63,
          wind_ms: 4.1,
          conditions: 'partly cloudy',
          observed_at: '2026-11-21T09:00:00.000Z',
        },
      };
    case 'search_web':
      return {
        body: {
          query: a.query,
          total: 2,
          results: [
            {
              title: `${String(a.query)} - Wikipedia`,
              url: 'https://en.wikipedia.org/wiki/Test',
              snippet: `${String(a.query)} explained.`,
              score: 3.5,
            },
            {
              title: `A guide to ${String(a.query)}`,
              url: 'https://example.com/guide',
              snippet: 'A longer guide.',
              score: 1.2,
            },
          ],
        },
      };
    case 'search_movie':
      return {
        body: {
          query: a.query,
          page: 1,
          per_page: a.per_page ?? 10,
          total_results: 1,
          total_pages: 1,
          results: [
            {
              name: `${String(a.query)} (film)`,
              original_name: `${String(a.query)} (film)`,
              year: 2010,
              genres: ['Drama'],
              language: a.language ?? 'en',
              overview: 'A test overview.',
            },
          ],
        },
      };
    case 'get_events':
      return { body: { date: a.date, events: [{ id: 'evt_1', title: 'Team Meeting', date: a.date, time: '14:00' }] } };
    case 'add_event':
      return { body: { event: { id: 'evt_2', title: a.title, date: a.date, time: a.time } } };
    case 'delete_events':
      return { body: { date: a.date, deleted: 2 } };
    case 'calculate': {
      const result = CALCULATIONS[String(a.expression)];
      return result === undefined
        ? { error: `calculate was refused by the calculator service: no canned result for ${String(a.expression)}` }
        : { body: { expression: a.expression, result } };
    }
    case 'send_message':
      return {
        body: { message: { id: 'msg_9', from: 'me', to: a.to, body: a.body, sent_at: '2026-11-21T09:00:00.000Z' } },
      };
    case 'read_inbox':
      return { body: { total: CANNED_INBOX.length, messages: CANNED_INBOX } };
    case 'translate':
      return {
        body: {
          text: a.text,
          translation: `<${String(a.target_language)}> ${String(a.text)}`,
          source_language: 'en',
          target_language: a.target_language,
          method: 'phrase',
        },
      };
    default:
      return { error: `no such tool: ${call.name}` };
  }
}
