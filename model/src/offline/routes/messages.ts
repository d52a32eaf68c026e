/**
 * Messages: sending one (`send_message`: recipient and body from "Send a message to Alice saying …",
 * "text Bob that …", "tell Carol: …") and reading the inbox (`read_inbox`, optionally "from Alice" or
 * "my latest message"). A body that refers to an earlier result ("send the result to Bob") and a reply to
 * the latest message wait for the step they depend on.
 */
import type { Clause } from '../clauses.js';
import { numberWordsToDigits } from '../numbers.js';
import { COURTESY, capitalize, counted, fold, squash, trimPunctuation, unmask } from '../text.js';
import type { TaskResult, ToolOutcome, ToolTask } from '../types.js';
import {
  note,
  record,
  records,
  singleCall,
  text,
  toolTask,
  unreadable,
  type InboxRequest,
  type Route,
  type RouteContext,
} from './route.js';

/** Words that follow a messaging verb but are never a recipient. */
const NOT_RECIPIENTS = new Set([
  'that',
  'saying',
  'says',
  'about',
  'me',
  'him',
  'her',
  'them',
  'us',
  'a',
  'an',
  'the',
  'it',
  'to',
  'know',
  'with',
  'if',
  'whether',
  'and',
  'please',
  'what',
  'my',
  'this',
  'back',
  'i',
  "i'm",
  "i'll",
  "i've",
  'someone',
  'somebody',
]);
const NOUN = '(?:message|text|note|msg|dm|email|e-mail|line)';
/** Where the recipient starts, tried in order: "send a message to X", "send X a message", "text X", "let X know". */
const RECIPIENT_AFTER = [
  new RegExp(
    String.raw`\b(?:send|write|shoot|drop)\s+(?:(?:a|an|the|this|my|short|quick|new|brief|text)\s+)*${NOUN}\s+to\s+`,
    'i',
  ),
  new RegExp(
    String.raw`\b(?:send|write|shoot|drop)\s+(?=\S+(?:\s+\p{Lu}\S*)?\s+(?:a|an)\s+(?:(?:short|quick|new|brief)\s+)*${NOUN}\b)`,
    'iu',
  ),
  new RegExp(
    String.raw`${COURTESY.source}(?:text|message|msg|dm|ping|notify|inform|email|e-mail|tell|ask|remind|reply\s+to|respond\s+to|write\s+to|write)\s+`,
    'i',
  ),
  /\blet\s+(?=\S+\s+know\b)/i,
];
/** "send the result to Bob", "send 'hi' to Bob": the thing sent comes before the recipient. */
const SEND_OBJECT_TO = /\bsend\s+(.+?)\s+(?:(?:on|over|along)\s+)?to\s+(?=\S)/i;
/** "text it to Bob", "forward the forecast to Alice": other verbs pass on an earlier result the same way. */
const PASS_ON_TO =
  /\b(?:text|forward|pass|email|e-mail|mail|message|dm)\s+(.+?)\s+(?:(?:on|over|along)\s+)?to\s+(?=\S)/i;
const JUST_A_MESSAGE = new RegExp(String.raw`^(?:(?:a|an|the|this|my)\s+)*(?:\w+\s+)?${NOUN}$`, 'i');
const AFTER_RECIPIENT = new RegExp(
  String.raw`^\s*(?:(?:a|an)\s+(?:(?:short|quick|new|brief)\s+)*${NOUN}\b|know\b)`,
  'i',
);
const BODY_INTRO =
  /^\s*[,:-]?\s*(?:saying|that\s+says|which\s+says|and\s+say|and\s+tell\s+(?:him|her|them)|telling\s+(?:him|her|them)|to\s+say|with\s+(?:the\s+)?(?:text|message|body)|that\b|:)\s*(.+)$/is;
/** Bodies that point at an earlier step's result instead of saying something themselves. */
const REFERENCE =
  /^(?:it|this|that|them|these|those|what\s+you\s+found|the\s+(?:results?|answers?|translations?|forecast|weather(?:\s+report)?|total|summary|details|list|events?|schedule|agenda|sum|numbers?|calculation|figures?|info|information|findings|outcome|temperature))$/i;

/** A recipient found in a text and the index where it ends. */
interface Recipient {
  name: string;
  end: number;
}

/**
 * The recipient starting at `start` in `source`: an e-mail address, a capitalised name of up to three
 * words ("Alice", "Mary Jane"), or one lower-case word that is not a pronoun or linking word ("mom").
 */
function readRecipient(source: string, start: number): Recipient | undefined {
  const rest = source.slice(start);
  const email = rest.match(/^\s*([\w.+-]+@[\w-]+(?:\.[\w-]+)+)/);
  if (email !== null) return { name: email[1], end: start + email[0].length };
  const first = rest.match(/^\s*(\p{L}[\p{L}'’-]*)/u);
  if (first === null || NOT_RECIPIENTS.has(first[1].toLowerCase())) return undefined;
  let name = first[1].replace(/['’]s$/, '');
  let end = first[0].length;
  for (let more = 0; more < 2 && /^\p{Lu}/u.test(name); more++) {
    const next = rest.slice(end).match(/^\s+(\p{Lu}[\p{L}'’-]*)/u);
    if (next === null || NOT_RECIPIENTS.has(next[1].toLowerCase())) break;
    name += ` ${next[1]}`;
    end += next[0].length;
  }
  return { name, end: start + end };
}

/** What a message clause asks to send. */
interface MessageRequest {
  to?: string;
  /** The text to send; undefined when it refers to an earlier result or is missing. */
  body?: string;
  /** The body is an earlier step's result ("send it to Bob", "text Bob the result"). */
  refersBack: boolean;
  /** A reply to the sender of the latest message ("reply to the latest message saying …"). */
  replyToLatest: boolean;
}

/** Reads recipient and body from a message clause (quotes masked; a quote is the body). */
function parseMessage(clause: Clause): MessageRequest {
  const masked = squash(clause.masked);
  const plain = (s: string): string => unmask(s, clause.quotes, (q) => q);
  const passOn = masked.match(PASS_ON_TO);
  const objectTo =
    masked.match(SEND_OBJECT_TO) ?? (passOn !== null && REFERENCE.test(trimPunctuation(passOn[1])) ? passOn : null);
  if (objectTo !== null && !JUST_A_MESSAGE.test(objectTo[1])) {
    const object = trimPunctuation(objectTo[1]);
    const refersBack = REFERENCE.test(object);
    const to = readRecipient(masked, (objectTo.index ?? 0) + objectTo[0].length)?.name;
    return { to, body: refersBack ? undefined : plain(object), refersBack, replyToLatest: false };
  }
  let to: Recipient | undefined;
  for (const pattern of RECIPIENT_AFTER) {
    const m = masked.match(pattern);
    to = m === null ? undefined : readRecipient(masked, (m.index ?? 0) + m[0].length);
    if (to !== undefined) break;
  }
  // Without a recipient ("reply to the latest message saying …") only an introduced body counts.
  const rest =
    to === undefined
      ? (masked.match(/\b(?:saying|that\s+says)\b.*$|:.*$/is)?.[0] ?? '')
      : masked.slice(to.end).replace(AFTER_RECIPIENT, '');
  const body = clause.quotes.length > 0 ? clause.quotes[0] : bodyOf(masked, rest);
  const refersBack = body !== undefined && REFERENCE.test(body);
  // "Can you text Bob that I'm late?": the question mark belongs to the request, not to the message.
  const asked = /^(?:can|could|would|will)\s+you\b/i.test(masked) && clause.quotes.length === 0;
  const cleaned = body === undefined || refersBack ? undefined : plain(asked ? body.replace(/[?.]+$/, '') : body);
  return {
    to: to?.name,
    // A body of punctuation alone ("tell Alice?") says nothing.
    body: cleaned === undefined || !/[\p{L}\p{N}]/u.test(cleaned) ? undefined : cleaned,
    refersBack,
    replyToLatest: /\b(?:reply|respond)\s+to\s+(?:the|my)\s+(?:latest|last|newest|most\s+recent)\b/i.test(masked),
  };
}

/** The body in the text after the recipient: "saying …", "that …", ": …", "ask … if …", "tell … to …", or the rest. */
function bodyOf(masked: string, rest: string): string | undefined {
  const verb = masked
    .replace(COURTESY, '')
    .match(/^(\w+)/)?.[1]
    ?.toLowerCase();
  const intro = rest.match(BODY_INTRO);
  if (intro !== null) return tidy(intro[1]);
  const to = rest.match(/^\s*to\s+(.+)$/is)?.[1];
  const ifWhether = rest.match(/^\s*(?:if|whether)\s+(.+)$/is)?.[1];
  const bare = (s: string): string => tidy(s).replace(/[?.!]+$/, '');
  if (verb === 'ask' && ifWhether !== undefined) return directQuestion(bare(ifWhether));
  if (verb === 'ask' && to !== undefined) return `Could you ${bare(to)}?`;
  if (verb === 'tell' && to !== undefined) return `Please ${bare(to)}.`;
  if (verb === 'remind' && to !== undefined) return `Reminder: ${bare(to)}.`;
  const about = rest.match(/^\s*(?:about|regarding)\s+(.+)$/is)?.[1];
  if (about !== undefined) return capitalize(tidy(about));
  const left = tidy(rest.replace(/^\s*[,:-]\s*/, ''));
  return left === '' ? undefined : left;
}

/** Trims a body; a single full stop ending the prompt's sentence is the prompt's, not the message's. */
const tidy = (s: string): string =>
  s
    .trim()
    .replace(/\s+please$/i, '')
    .replace(/(?<!\.)\.$/, '');

const AUXILIARIES: Record<string, string> = {
  is: 'are',
  are: 'are',
  was: 'were',
  were: 'were',
  has: 'have',
  have: 'have',
  does: 'do',
  do: 'do',
  did: 'did',
  can: 'can',
  could: 'could',
  will: 'will',
  would: 'would',
  should: 'should',
};

/**
 * An indirect question put to its recipient: "ask Bob if he wants pizza" → "Do you want pizza?",
 * "… whether she is coming" → "Are you coming?"; his/their become "your". Other wording is kept.
 */
function directQuestion(indirect: string): string {
  const m = indirect.match(/^(?:he|she|they)\s+(\S+)\s*(.*)$/i);
  let question = capitalize(indirect);
  if (m !== null) {
    const verb = m[1].toLowerCase();
    const rest = m[2].replace(/\b(?:his|their)\b/gi, 'your').replace(/\b(?:him|them)\b/gi, 'you');
    const base = verb
      .replace(/ies$/, 'y')
      .replace(/(?<=(?:ss|sh|ch|x|o|z))es$/, '')
      .replace(/(?<=[^s])s$/, '');
    question = verb in AUXILIARIES ? `${capitalize(AUXILIARIES[verb])} you ${rest}` : `Do you ${base} ${rest}`;
  }
  return `${question.trim()}?`;
}

/** Routes message clauses to `send_message({to, body})`. */
export const sendMessageRoute: Route = {
  intent: 'send_message',
  plan(clause, ctx) {
    const request = parseMessage(clause);
    if (request.replyToLatest && request.to === undefined) {
      planReply(request, ctx);
      return;
    }
    const to = request.to;
    const previous = ctx.previousTask();
    if (to === undefined) {
      ctx.add(note('I did not send a message: I could not tell who it is for.'));
    } else if (request.refersBack && previous !== undefined) {
      const passOn = resultText(ctx, previous);
      ctx.add(
        sendTask([previous], (prior) => {
          const body = passOn(prior[0]);
          return body === undefined
            ? { skip: `I did not send anything to ${to}, because there was no result to pass on.` }
            : [{ to, body }];
        }),
      );
    } else if (request.refersBack) {
      ctx.add(note(`I did not send a message to ${to}: there was no earlier result to pass on.`));
    } else if (request.body === undefined && previous !== undefined) {
      // "Check the weather in Madrid and tell Alice": with nothing to say of its own, the message passes on the result before it.
      const passOn = resultText(ctx, previous);
      ctx.add(
        sendTask([previous], (prior) => {
          const body = passOn(prior[0]);
          return body === undefined
            ? { skip: `I did not send anything to ${to}, because there was no result to pass on.` }
            : [{ to, body }];
        }),
      );
    } else if (request.body === undefined) {
      ctx.add(note(`I did not send a message to ${to}: you did not say what it should say.`));
    } else {
      const body = request.body;
      ctx.add(sendTask([], () => [{ to, body }]));
    }
  },
};

/** "Reply to the latest message saying …": read the inbox (unless the prompt already does), then answer its sender. */
function planReply(request: MessageRequest, ctx: RouteContext): void {
  const body = request.body;
  if (body === undefined) {
    ctx.add(note('I did not reply: you did not say what the reply should say.'));
    return;
  }
  const inbox = inboxStep(ctx, { count: 1 });
  ctx.add(
    sendTask([inbox.index], (prior) => {
      const from = text(selectMessages(prior[0].results[0]?.outcome, inbox.request)?.[0]?.from);
      return from === undefined
        ? { skip: 'I did not reply, because I could not read who sent your latest message.' }
        : [{ to: from, body }];
    }),
  );
}

function sendTask(
  needs: number[],
  messages: (prior: TaskResult[]) => Array<{ to: string; body: string }> | { skip: string },
): ToolTask {
  return toolTask({
    tool: 'send_message',
    needs,
    build: (prior) => {
      const built = messages(prior);
      return 'skip' in built ? built : built.map((args) => ({ name: 'send_message' as const, args }));
    },
    describe: (args) => `send the message to ${String(args.to)}`,
    answer: (args, data) => {
      const message = record(record(data)?.message);
      if (message === undefined) return unreadable('message', data);
      const body = text(message.body) ?? String(args.body);
      return `Sent to ${text(message.to) ?? String(args.to)}: "${body}"${/[.!?]$/.test(body) ? '' : '.'}`;
    },
  });
}

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
