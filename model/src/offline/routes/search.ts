/**
 * Web search: the topic of the clause ("Search for information about chaos engineering" → "chaos
 * engineering") sent to `search_web`, and the best results written as a short list.
 *
 * Only results about the topic are shown: a result must name enough of the topic's content words in its
 * title, snippet or address: half of them when the user asked for a search ("Search for …", "look up
 * …"), and every one of a short question's (two thirds of a longer one's) when a bare question fell
 * back to a web search, as the results are then the answer; a "when" or "how many" question also needs a
 * number in the result. When none does, the answer says the search
 * found nothing about it (and is marked unhandled) rather than passing results about something else off
 * as the answer.
 */
import { COURTESY, fold, squash, trimPunctuation, unmask } from '../text.js';
import { cannot, note, record, records, singleCall, text, unreadable, type Route } from './route.js';

const SHOWN_RESULTS = 3;

const ASK =
  /^(?:search(?:\s+(?:the\s+)?(?:web|internet|online))?(?:\s+(?:for|about|on))?|look\s+up|lookup|look\s+for|look\s+into|google|find(?:\s+me)?(?:\s+out(?:\s+about)?)?|research|tell\s+me\s+about|tell\s+me|learn\s+about|read\s+up\s+on|explain|give\s+me)\s+/i;
const ABOUT =
  /^(?:some\s+|more\s+|the\s+latest\s+)?(?:information|info|details|facts|news|articles?|results?)\s+(?:about|on|regarding|for|of)\s+/i;
const WHAT_IS = /^(?:what|who)(?:'s|\s+is|\s+are|\s+was|\s+were)\s+(?:an?\s+|the\s+)?/i;
/** Questions whose answer is a number or a date. */
const QUANTITY = /^(?:when|what\s+year|in\s+what\s+year|how\s+(?:many|much|old|far|long|tall|big|high|deep|often))\b/i;

/** The words of a request for a search itself (not "tell me a joke", which only asks for an answer). */
const ASKS_FOR_SEARCH =
  /^(?:search|look\s+up|lookup|look\s+for|look\s+into|google|find|research|tell\s+me\s+about|learn\s+about|read\s+up\s+on)\b/i;
const TAIL = /\s+(?:on(?:line|\s+the\s+(?:web|internet))|please|for\s+me)$/i;

/**
 * The search topic of a clause: its quote when it has one, else the clause without the asking words
 * ("search the web for", "information about", "what is", "please").
 */
function searchTopic(maskedClause: string, quotes: readonly string[]): string {
  if (quotes.length > 0) return quotes[0];
  let topic = squash(maskedClause).replace(COURTESY, '');
  topic = topic.replace(ASK, '').replace(ABOUT, '').replace(WHAT_IS, '');
  topic = trimPunctuation(topic)
    .replace(TAIL, '')
    .replace(/^(?:the|an?)\s+/i, '');
  return trimPunctuation(unmask(topic, quotes));
}

/** Words that carry no topic: question words, auxiliaries, articles, pronouns, prepositions. */
const FILLER = new Set(
  (
    'a an the of on in at to for from by with about into and or but is are was were be been being do does did done has have had ' +
    'can could will would should may might must shall what whats which who whom whose when where why how that this these those ' +
    'it its i me my we our you your he him his she her they them their there here some any more most very much many just ' +
    'not no yes than then so as if tell know find out please get give show me'
  ).split(' '),
);

/** The topic's content words, folded: "Who directed The Godfather" → ["directed", "godfather"]. */
function contentWords(query: string): string[] {
  return [
    ...new Set(
      fold(query)
        .split(/[^\p{L}\p{N}]+/u)
        .filter((w) => w.length >= 2 && !FILLER.has(w)),
    ),
  ];
}

/**
 * True when a result is about the query: it names enough of the query's content words (`explicit`
 * search: half, rounded up; a question: all of one or two, two thirds of more), a word counting when
 * the result contains its stem (all but its last three letters, at least four), so "engineering"
 * matches "engineer".
 */
function aboutTopic(result: Record<string, unknown>, words: readonly string[], explicit: boolean): boolean {
  if (words.length === 0) return true;
  const haystack = fold([text(result.title), text(result.snippet), text(result.url)].filter(Boolean).join(' '));
  const stem = (w: string) => (w.length <= 4 ? w : w.slice(0, Math.max(4, w.length - 3)));
  const found = words.filter((w) => haystack.includes(stem(w))).length;
  const needed = explicit
    ? Math.ceil(words.length / 2)
    : words.length <= 2
      ? words.length
      : Math.ceil((words.length * 2) / 3);
  return found >= needed;
}

/** Routes search clauses (and questions no other tool answers) to `search_web({query})`. */
export const searchRoute: Route = {
  intent: 'search',
  plan(clause, ctx) {
    const query = searchTopic(clause.masked, clause.quotes);
    const asked = squash(clause.masked).replace(COURTESY, '');
    const explicit =
      ASKS_FOR_SEARCH.test(asked) ||
      /\b(?:information|info|details|facts|news|articles?)\s+(?:about|on|regarding)\b/i.test(asked);
    if (query === '') {
      ctx.add(note('I could not tell what to search for.'));
      return;
    }
    ctx.add(
      singleCall({
        tool: 'search_web',
        args: { query },
        describe: (args) => `search the web for "${String(args.query)}"`,
        answer: (args, data) => {
          const all = records(record(data)?.results);
          if (all === undefined) return unreadable('search', data);
          const words = contentWords(String(args.query));
          // "When…?", "how many…?": a result without a number or a date cannot be the answer.
          const wantsNumber = !explicit && QUANTITY.test(squash(clause.masked).replace(COURTESY, ''));
          const results = all.filter(
            (r) =>
              aboutTopic(r, words, explicit) &&
              (!wantsNumber || /\d/.test(`${text(r.title) ?? ''} ${text(r.snippet) ?? ''}`)),
          );
          // An asked-for search that found nothing has its answer; a question it leaves unanswered does not.
          const nothing = `web search for "${String(args.query)}" found nothing${all.length > 0 ? ' about it' : ''}.`;
          if (results.length === 0)
            return explicit ? `The ${nothing}` : cannot(`I could not find an answer: the ${nothing}`);
          const lines = results.slice(0, SHOWN_RESULTS).map((r, i) => {
            const title = text(r.title) ?? text(r.url) ?? 'untitled';
            const snippet = text(r.snippet);
            const url = text(r.url);
            return `${i + 1}. ${title}${snippet ? `: ${snippet}` : ''}${url ? ` (${url})` : ''}`;
          });
          return `Here is what I found for "${String(args.query)}":\n${lines.join('\n')}`;
        },
      }),
    );
  },
};
