/**
 * Reading a message clause: its recipient ("Send a message to Alice saying …", "text Bob that …",
 * "tell Carol: …", an e-mail address) and its body ("saying …", "that …", a quote, "ask … if …"
 * turned into a direct question), or that the body refers to an earlier result ("send the result
 * to Bob") or replies to the latest message.
 */
import type { Clause } from '../clauses.js';
import { COURTESY, capitalize, squash, trimPunctuation, unmask } from '../text.js';

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
export interface Recipient {
  name: string;
  end: number;
}

/**
 * The recipient starting at `start` in `source`: an e-mail address, a capitalised name of up to three
 * words ("Alice", "Mary Jane"), or one lower-case word that is not a pronoun or linking word ("mom").
 */
export function readRecipient(source: string, start: number): Recipient | undefined {
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
export interface MessageRequest {
  to?: string;
  /** The text to send; undefined when it refers to an earlier result or is missing. */
  body?: string;
  /** The body is an earlier step's result ("send it to Bob", "text Bob the result"). */
  refersBack: boolean;
  /** A reply to the sender of the latest message ("reply to the latest message saying …"). */
  replyToLatest: boolean;
}

/** Reads recipient and body from a message clause (quotes masked; a quote is the body). */
export function parseMessage(clause: Clause): MessageRequest {
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
