/**
 * The inbox (`read_inbox`, optionally "from Alice" or "my latest message"): what an inbox clause asks
 * for, the messages it picks from an answer, the inbox step a later step depends on, and what "it"
 * means when a later step passes on an earlier step's result.
 */
import type { Clause } from '../clauses.js';
import { numberWordsToDigits } from '../numbers.js';
import { capitalize, counted, fold, squash } from '../text.js';
import type { TaskResult, ToolOutcome, ToolTask } from '../types.js';
import { readRecipient } from './message-clause.js';
import {
  record,
  records,
  singleCall,
  text,
  unreadable,
  type InboxRequest,
  type Route,
  type RouteContext,
} from './route.js';

/** What an inbox clause asks for: messages from someone, and/or only the newest N. */
export function inboxRequest(clause: Clause): InboxRequest {
  const masked = numberWordsToDigits(squash(clause.masked));
  // "messages from Bob", "what did Bob send me?"
  const fromAt = masked.match(
    /\bfrom\s+|\b(?:did|has|have)\s+(?=\S+(?:\s+\S+)?\s+(?:sent|send|texted|messaged|written|write|wrote|emailed|e-mailed|replied|reply|answered|answer|responded|respond)(?:\s+(?:to\s+)?me\b|\s*[?.!]?$))|\bwhat\s+did\s+(?=\S+(?:\s+\S+)?\s+(?:say|write|send|text|message)\b)/i,
  );
  const from = fromAt === null ? undefined : readRecipient(masked, (fromAt.index ?? 0) + fromAt[0].length)?.name;
  const latestN = masked.match(/\b(?:latest|last|newest|most\s+recent|recent)\s+(\d+)\b/i);
  const latestOne = /\b(?:latest|last|newest|most\s+recent)\s+(?:\w+\s+)?(?:message|text|e-?mail|mail)\b(?!s)/i.test(
    masked,
  );
  return { from, count: latestN !== null ? Number(latestN[1]) : latestOne ? 1 : undefined };
}

/**
 * The received messages (not the ones "me" sent) an inbox request picks from a `read_inbox` outcome,
 * newest first; undefined when the call failed or its body has no `messages` list.
 */
export function selectMessages(
  outcome: ToolOutcome | undefined,
  request: InboxRequest,
): Array<Record<string, unknown>> | undefined {
  if (outcome === undefined || !outcome.ok) return undefined;
  const messages = records(record(outcome.data)?.messages);
  if (messages === undefined) return undefined;
  const from = request.from === undefined ? undefined : fold(request.from);
  const chosen = messages.filter(
    (m) => text(m.from) !== 'me' && (from === undefined || fold(text(m.from) ?? '').includes(from)),
  );
  return request.count === undefined ? chosen : chosen.slice(0, request.count);
}

/**
 * What "it" means when a later step passes on the result of step `index`: the newest picked message's
 * text when that step read the inbox ("read my latest message and translate it"), else the step's own
 * answer ("calculate … and send the result to Bob"); undefined when the step produced nothing.
 */
export function resultText(ctx: RouteContext, index: number): (result: TaskResult) => string | undefined {
  const inbox = ctx.inbox;
  if (inbox !== undefined && inbox.index === index) {
    return (result) => text(selectMessages(result.results[0]?.outcome, inbox.request)?.[0]?.body);
  }
  return (result) => (result.ok ? result.summary : undefined);
}

/** The inbox step a later step depends on: the prompt's own inbox read, or a quiet one added now. */
export function inboxStep(ctx: RouteContext, request: InboxRequest): { index: number; request: InboxRequest } {
  if (ctx.inbox === undefined) ctx.inbox = { index: ctx.add(inboxTask(request, true)), request };
  return ctx.inbox;
}

const SHOWN_MESSAGES = 5;

/** "2026-11-20T08:15:00Z" → "2026-11-20 08:15 UTC"; other text as it is. */
const sentAt = (value: unknown): string =>
  text(value)?.replace(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/, '$1 $2 UTC') ?? 'an unknown time';

function inboxTask(request: InboxRequest, quiet: boolean): ToolTask {
  const fromWhom = request.from === undefined ? '' : ` from ${request.from}`;
  return singleCall({
    tool: 'read_inbox',
    args: {},
    quiet,
    describe: () => 'read your inbox',
    answer: (_args, data) => {
      const chosen = selectMessages({ ok: true, data }, request);
      if (chosen === undefined) return unreadable('message', data);
      if (chosen.length === 0) return `You have no messages${fromWhom} in your inbox.`;
      const line = (m: Record<string, unknown>): string =>
        `from ${text(m.from) ?? 'someone'} (${sentAt(m.sent_at)}): "${text(m.body) ?? ''}"`;
      if (request.count === 1) return `Your latest message${fromWhom} is ${line(chosen[0])}`;
      const more = chosen.length > SHOWN_MESSAGES ? `\n…and ${chosen.length - SHOWN_MESSAGES} more.` : '';
      const list = chosen.slice(0, SHOWN_MESSAGES).map((m) => `- ${capitalize(line(m))}`);
      return `You have ${counted(chosen.length, 'message')}${fromWhom}, newest first:\n${list.join('\n')}${more}`;
    },
  });
}

/** Routes inbox clauses to `read_inbox({})`. */
export const inboxRoute: Route = {
  intent: 'inbox',
  plan(clause, ctx) {
    const request = inboxRequest(clause);
    ctx.inbox = { index: ctx.add(inboxTask(request, false)), request };
  },
};
