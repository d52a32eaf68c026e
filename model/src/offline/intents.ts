/**
 * Which tool a clause of the prompt asks for. The clause's leading verb decides first ("Translate…",
 * "Search…", "Text Bob…"); otherwise keywords decide, strongest first; a question with no other match
 * becomes a web search. Quoted text is masked before this runs, so words inside quotes never route.
 */
import { hasArithmetic } from './arithmetic.js';
import { findLanguages } from './languages.js';
import { COURTESY, hasQuote } from './text.js';

/** What a clause asks for; each intent is served by one route (and one tool). */
export type Intent =
  | 'weather'
  | 'calculate'
  | 'search'
  | 'movie'
  | 'events'
  | 'add_event'
  | 'delete_events'
  | 'send_message'
  | 'inbox'
  | 'translate'
  | 'unsupported';

/**
 * An intent, and whether the clause opens a new request of its own: it starts with a verb ("Send…",
 * "Check…") or is a question that routes by its own keywords ("what's the weather…"), rather than
 * continuing the text before it.
 */
export interface Detection {
  intent: Intent;
  opensRequest: boolean;
}

const CALENDAR_WORD = /\b(?:calendar|schedule|agenda|diary|planner|events?|appointments?|meetings?)\b/;
const MOVIE_WORD = /\b(?:movies?|films?|cinema|flicks?)\b/;
/** A question about a film's facts: who directed it, when it came out (answered from the movie service, never a web search). */
export const FILM_FACT =
  /^(?:who\s+(?:directed|made)|who\s+(?:was|is)\s+the\s+director\s+of|who\s+was\s+\S.*\bdirected\s+by|(?:in\s+)?what\s+year\s+(?:was|did)|when\s+(?:was|did))\b|\bdirector\s+of\b/i;
/** Things you meet someone for: "book lunch with Maria on Thursday at 12:30" is a calendar entry. */
const GET_TOGETHER =
  /\b(?:lunch|dinner|breakfast|brunch|coffee|drinks|meeting|call|appointment|catch-?up|1:1|one-on-one|interview|sync|stand-?up|review|demo|lesson|class|session|workout|practice)\b/;
const INBOX_WORD =
  /\b(?:inbox|mailbox)\b|\b(?:my|new|unread|latest|last|recent|newest|any|incoming|received)\s+(?:\w+\s+)?(?:messages?|texts?|mails?|emails?)\b|\bmessages?\s+(?:for me|did i get|have i got)\b|\b(?:did|has|have)\s+\w+(?:\s+\w+)?\s+(?:sent|send|texted|messaged|written|write|wrote|emailed|e-mailed|replied|answered)\s+(?:to\s+)?me\b|\b(?:did|has|have)\s+\w+(?:\s+\w+)?\s+(?:replied|reply|answered|answer|responded|respond|written|write|wrote|texted|messaged)\s*[?.!]?$|\bwhat\s+did\s+\w+(?:\s+\w+)?\s+(?:say|write|send|text|message)\b|\bwho\s+(?:sent|messaged|texted|wrote|emailed)\s+(?:to\s+)?(?:me|us)\b|\bwho\s+(?:sent|messaged|texted|wrote)\s*[?.!]?$|\b(?:did|have)\s+i\s+(?:get|got|receive|received|have)\s+(?:a|an|any)\s+(?:\w+\s+)?(?:messages?|texts?|mails?|e-?mails?|replies|reply)\b|\b(?:any|a)\s+(?:messages?|texts?|mails?|e-?mails?|word)\s+from\b/;
const SEND_WORD =
  /\b(?:send|write|shoot|drop)\b.{0,40}\b(?:message|text|note|msg|dm|email|e-mail|line)\b|\blet\s+(?!me\b)\w+\s+know\b|\breply\b|\brespond\b/;
const STRONG_WEATHER = /\b(?:weather|temperature|forecast|humidity)\b/;
const WEAK_WEATHER =
  /\b(?:(?:is|will|does|was)\s+it|if\s+it(?:'s|\s+is|\s+will\s+be))\b.*\b(?:rain|raining|snow|snowing|sunny|hot|cold|warm|windy|cloudy|freezing|chilly|humid)\b|\bhow\s+(?:hot|cold|warm|windy|humid|sunny)\s+is\s+it\b|\b(?:umbrella|jacket|coat|sunscreen)\b/;
const SEARCH_WORD =
  /\b(?:search|look\s+up|lookup|look\s+for|google|research|information|info|tell\s+me\s+about|learn\s+about|find\s+out|read\s+up\s+on|news\s+(?:about|on)|facts\s+about|explain)\b/;
const QUESTION =
  /^(?:who|whom|whose|what|what's|whats|when|where|why|how|which|is|are|does|do|did|can|could|was|were|should|tell me)\b/;
const GENERIC_VERB =
  /^(?:check|read|show|list|open|view|get|see|display|fetch|give|tell|find|look|search|send|add|delete|remove|clear|translate|calculate|compute|schedule|text|message|email|what|how|is|will|are|do|does)\b/;
/** Words that say when: enough to read "add 'Planning' at 10am" as a calendar entry. */
const WHEN_WORD =
  /\b\d{1,2}(?::\d{2})?\s*(?:am|pm)\b|\b(?:noon|midnight|today|tonight|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\bat\s+\d{1,2}(?::\d{2})?\b|\b\d{4}-\d{2}-\d{2}\b/;
const SMALL_TALK =
  /^(?:how\s+are\s+you|how's\s+it\s+going|thanks?|thank\s+you|cheers|hello|hi|hey|good\s+(?:morning|afternoon|evening|night)|bye|goodbye|what's\s+up|who\s+are\s+you|what\s+can\s+you\s+do)\b/;

/** Leading-verb rules: the verb (first word after courtesy words) and what it asks for given the rest. */
function byVerb(verb: string, rest: string, clause: string): Intent | undefined {
  switch (verb) {
    case 'translate':
    case 'translating':
      return 'translate';
    case 'calculate':
    case 'compute':
    case 'evaluate':
    case 'solve':
      return 'calculate';
    case 'search':
    case 'google':
    case 'lookup':
    case 'look':
    case 'find':
    case 'research':
      if (verb === 'look' && !/^(?:up|for|into)\b/.test(rest)) return undefined;
      if (MOVIE_WORD.test(clause)) return 'movie';
      if (INBOX_WORD.test(clause) || /\bmessages?\b/.test(clause)) return 'inbox';
      if (CALENDAR_WORD.test(clause)) return 'events';
      if (STRONG_WEATHER.test(clause)) return 'weather';
      return verb === 'find' && hasArithmetic(clause) ? 'calculate' : 'search';
    case 'send':
      return /^(?:me\b)/.test(rest) && !/\bto\s+\S/.test(rest) ? undefined : 'send_message';
    case 'text':
    case 'message':
    case 'msg':
    case 'dm':
    case 'ping':
    case 'notify':
    case 'inform':
    case 'email':
    case 'e-mail':
    case 'reply':
    case 'respond':
    case 'write':
    case 'forward':
      return 'send_message';
    case 'pass':
      return /^\S+(?:\s+\S+)?\s+(?:on\s+|along\s+)?to\s+\S/.test(rest) ? 'send_message' : undefined;
    case 'tell':
    case 'ask':
      return /^(?:me|us)\b/.test(rest) ? undefined : 'send_message';
    case 'let':
      return /^(?:me|us)\b/.test(rest) ? undefined : /^\S+\s+know\b/.test(rest) ? 'send_message' : undefined;
    case 'remind':
      return /^(?:me|us)\b/.test(rest) ? 'add_event' : 'send_message';
    case 'schedule':
    case 'plan':
    case 'arrange':
      return 'add_event';
    case 'book':
    case 'add':
    case 'create':
    case 'put':
    case 'insert':
    case 'set':
    case 'make':
      if (CALENDAR_WORD.test(clause) || /\b(?:titled|called|named|reminder)\b/.test(clause)) return 'add_event';
      if (verb !== 'book' && hasQuote(clause) && WHEN_WORD.test(clause)) return 'add_event';
      if (/^(?:book|set|make|put|create)$/.test(verb) && GET_TOGETHER.test(clause) && WHEN_WORD.test(clause))
        return 'add_event';
      return verb === 'add' && hasArithmetic(clause) ? 'calculate' : undefined;
    case 'delete':
    case 'remove':
    case 'clear':
    case 'cancel':
    case 'erase':
    case 'wipe':
      return CALENDAR_WORD.test(clause) || /\b(?:everything|all)\b/.test(clause) ? 'delete_events' : undefined;
    default:
      return undefined;
  }
}

/**
 * Requests none of the tools can serve, said so instead of searching the web for them: the time or the
 * date now, converting units or currencies, alarms, music, orders.
 */
const UNSUPPORTED =
  /^(?:what(?:'s|\s+is)?\s+(?:the\s+)?(?:time|date|day)(?:\s+(?:is\s+it|today|now))?(?:\s+(?:now|today|in\s+.+))?\s*[?.!]?$|what\s+(?:time|day)\s+is\s+it\b|what\s+is\s+today(?:'s\s+date)?\s*[?.!]?$)|\bconvert\b|\b\d+(?:\.\d+)?\s*(?:(?:us\s+)?dollars?|euros?|pounds?|yen|fahrenheit|celsius|miles?|km|kilometers?|kilometres?|kg|kilos?|lbs?|feet|foot|meters?|metres?|inches?|cm)\s+(?:in|to|into)\s+\w+|\b(?:set|start)\s+(?:an?\s+)?(?:alarm|timer)\b|\bplay\s+(?:some\s+)?(?:music|songs?|a\s+song)\b|\border\s+(?:an?\s+|some\s+|me\s+)?\w+/i;

/** Keyword rules, strongest first, for clauses whose verb did not decide. */
function byKeywords(clause: string, original: string): Intent | undefined {
  if (UNSUPPORTED.test(clause)) return 'unsupported';
  // Film facts come first: "who directed The Godfather?" must never become a web search about "directed".
  const asked = original.replace(COURTESY, '');
  if (FILM_FACT.test(asked) && /\bdirect|\b(?:movie|film)\b|\b(?:released|come\s+out|came\s+out)\b/i.test(asked))
    return 'movie';
  if (/\btranslat/.test(clause) || /\bhow\s+(?:do|would|can|does|should)\s+(?:you|i|one|we)\s+say\b/.test(clause))
    return 'translate';
  if (INBOX_WORD.test(clause)) return 'inbox';
  if (SEND_WORD.test(clause)) return 'send_message';
  if (/\b(?:delete|remove|clear|cancel|erase|wipe)\b/.test(clause) && CALENDAR_WORD.test(clause))
    return 'delete_events';
  if (
    (/\b(?:add|schedule|book|create|put|set\s+up|plan|arrange|insert)\b/.test(clause) && CALENDAR_WORD.test(clause)) ||
    /\bremind\s+me\b/.test(clause)
  )
    return 'add_event';
  if (
    CALENDAR_WORD.test(clause) ||
    /\bwhat(?:'s|\s+is)\s+on\s+(?:for\s+)?(?:my\b|today|tomorrow|tonight|this\s+(?:week|weekend|morning|afternoon|evening)|next\s+\w+|(?:mon|tues|wednes|thurs|fri|satur|sun)day)|\bwhat(?:'s|\s+is)\s+on\s*[?.!]?$|\bwhat\s+are\s+my\s+plans\b|\bam\s+i\s+(?:free|busy|available)\b|\b(?:do\s+i\s+have|have\s+i\s+got)\s+(?:anything|any\s+plans|plans)\b|\bwhat\s+(?:do\s+i\s+have|have\s+i\s+got)\s+(?:on|for|today|tomorrow|tonight|this|next)\b/.test(
      clause,
    )
  )
    return 'events';
  if (STRONG_WEATHER.test(clause)) return 'weather';
  if (MOVIE_WORD.test(clause)) return 'movie';
  if (WEAK_WEATHER.test(clause)) return 'weather';
  const inLanguage = /\b(?:in|into)\s+\S/.test(clause) && findLanguages(clause).length > 0;
  if (inLanguage && (/^say\b/.test(clause) || (hasQuote(clause) && /\b(?:say|is|are|mean|means)\b|'s\b/.test(clause))))
    return 'translate';
  if (hasQuote(clause) && /^what\s+does\b.*\bmean\b/.test(clause)) return 'translate';
  if (/\b(?:calculate|compute|math)\b/.test(clause) || hasArithmetic(clause)) return 'calculate';
  if (SEARCH_WORD.test(clause)) return 'search';
  return undefined;
}

/**
 * The intent of one clause (masked text: quotes replaced by markers), or undefined when none fits.
 * Small talk ("thanks", "how are you") has no intent; any other question falls back to a web search.
 */
export function detectIntent(maskedClause: string): Detection | undefined {
  const clause = maskedClause.toLowerCase().replace(/[’‘]/g, "'").trim();
  const stripped = clause.replace(COURTESY, '');
  const [verb = '', rest = ''] = stripped.match(/^([a-z-]+)\s*(.*)$/s)?.slice(1) ?? [];
  const imperative = byVerb(verb, rest, stripped);
  if (imperative !== undefined) return { intent: imperative, opensRequest: true };
  const keyword = byKeywords(stripped, maskedClause.replace(/[’‘]/g, "'").trim());
  if (keyword !== undefined) return { intent: keyword, opensRequest: GENERIC_VERB.test(stripped) };
  if (SMALL_TALK.test(stripped)) return undefined;
  // A bare question with no tool of its own is a web search, but it never cuts a message body short.
  return QUESTION.test(stripped) && /\p{L}{3,}/u.test(stripped.replace(QUESTION, ''))
    ? { intent: 'search', opensRequest: false }
    : undefined;
}
