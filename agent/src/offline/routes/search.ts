/**
 * Web search: the topic of the clause ("Search for information about chaos engineering" → "chaos
 * engineering") sent to `search_web`, and the best results written as a short list.
 */
import { COURTESY, squash, trimPunctuation, unmask } from '../text.js';
import { note, record, records, singleCall, text, unreadable, type Route } from './route.js';

const SHOWN_RESULTS = 3;

const ASK = /^(?:search(?:\s+(?:the\s+)?(?:web|internet|online))?(?:\s+(?:for|about|on))?|look\s+up|lookup|look\s+for|look\s+into|google|find(?:\s+me)?(?:\s+out(?:\s+about)?)?|research|tell\s+me\s+about|tell\s+me|learn\s+about|read\s+up\s+on|explain|give\s+me)\s+/i;
const ABOUT = /^(?:some\s+|more\s+|the\s+latest\s+)?(?:information|info|details|facts|news|articles?|results?)\s+(?:about|on|regarding|for|of)\s+/i;
const WHAT_IS = /^(?:what|who)(?:'s|\s+is|\s+are|\s+was|\s+were)\s+(?:an?\s+|the\s+)?/i;
const TAIL = /\s+(?:on(?:line|\s+the\s+(?:web|internet))|please|for\s+me)$/i;

/**
 * The search topic of a clause: its quote when it has one, else the clause without the asking words
 * ("search the web for", "information about", "what is", "please").
 */
function searchTopic(maskedClause: string, quotes: readonly string[]): string {
  if (quotes.length > 0) return quotes[0];
  let topic = squash(maskedClause).replace(COURTESY, '');
  topic = topic.replace(ASK, '').replace(ABOUT, '').replace(WHAT_IS, '');
  topic = trimPunctuation(topic).replace(TAIL, '').replace(/^(?:the|an?)\s+/i, '');
  return trimPunctuation(unmask(topic, quotes));
}

/** Routes search clauses (and questions no other tool answers) to `search_web({query})`. */
export const searchRoute: Route = {
  intent: 'search',
  plan(clause, ctx) {
    const query = searchTopic(clause.masked, clause.quotes);
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
          const results = records(record(data)?.results);
          if (results === undefined) return unreadable('search', data);
          if (results.length === 0) return `The web search for "${String(args.query)}" found nothing.`;
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
