/**
 * Films: the title or words to look for ("the movie Inception", "films about samurai", a quote), an
 * optional language filter ("Japanese films", "movies in French" → ISO 639-1), page and page size
 * ("top 3", "page 2"), sent to `search_movie`; the matches written as a short list.
 *
 * A question about one film's facts ("Who directed The Godfather?", "When was Inception released?")
 * looks the title up and answers only from the film the service returns: its year, or its director
 * when the service gives one; otherwise the answer says it cannot tell (see film-facts.ts).
 */
import type { Clause } from '../clauses.js';
import { findLanguages, languageName } from '../languages.js';
import { numberWordsToDigits } from '../numbers.js';
import { counted, squash, trimPunctuation, unmask } from '../text.js';
import { filmFactTask, parseFilmFact } from './film-facts.js';
import { note, num, record, records, singleCall, text, unreadable, type Route } from './route.js';
import type { Cannot } from '../types.js';

const FILM = '(?:movies?|films?|flicks?)';
/** Where the film's title or topic starts, tried in order. */
const QUERY_AFTER = [
  new RegExp(String.raw`\b${FILM}\s+(?:called|titled|named)\s+`, 'i'),
  new RegExp(String.raw`\b${FILM}\s+(?:about|with|featuring|containing|matching|on|like)\s+`, 'i'),
  /\bthe\s+(?:movie|film)\s+/i,
  /\b(?:movie|film)\s+(?=\p{Lu})/u,
];
/** "Find Inception movie", "search for Japanese films": the words before the film noun. */
const QUERY_BEFORE = new RegExp(
  String.raw`^(?:(?:please|can you|could you)\s+)*(?:find|search(?:\s+for)?|look\s+(?:up|for)|show(?:\s+me)?|get|list|give\s+me|recommend|suggest|what\s+are|are\s+there(?:\s+any)?)\s+(?:me\s+)?(?:some\s+|any\s+|the\s+|a\s+)?(.*?)\s*\b${FILM}\b`,
  'i',
);
const SHOWN_FILMS = 5;
const MAX_PER_PAGE = 50;

/** What a film clause asks for. */
interface FilmRequest {
  query: string;
  language?: string;
  page?: number;
  perPage?: number;
}

/** Reads a film clause: quote or title words, language filter, page and page size. */
function parseFilmRequest(clause: Clause): FilmRequest {
  const masked = numberWordsToDigits(squash(clause.masked));
  const languageAt = findLanguages(masked)[0];
  const language = languageAt?.code;
  // The language word is a filter, not part of the title: "Japanese films about samurai" → "samurai".
  const withoutLanguage =
    languageAt === undefined
      ? masked
      : squash(
          `${masked.slice(0, languageAt.index).replace(/\b(?:in|from)\s*$/i, '')} ${masked.slice(languageAt.index + languageAt.length).replace(/^-?language\b/i, '')}`,
        );
  const page = Number(masked.match(/\bpage\s+(\d+)\b/i)?.[1] ?? NaN);
  const perPage = Number(
    masked.match(/\b(?:top|first|best)\s+(\d+)\b/i)?.[1] ??
      masked.match(new RegExp(String.raw`\b(\d+)\s+(?:\w+\s+)?${FILM}`, 'i'))?.[1] ??
      NaN,
  );
  return {
    query: clause.quotes.length > 0 ? clause.quotes[0] : unmask(queryWords(withoutLanguage), clause.quotes, (q) => q),
    language,
    page: Number.isInteger(page) && page >= 1 ? page : undefined,
    perPage: Number.isInteger(perPage) && perPage >= 1 && perPage <= MAX_PER_PAGE ? perPage : undefined,
  };
}

function queryWords(masked: string): string {
  let query: string | undefined;
  for (const pattern of QUERY_AFTER) {
    const m = masked.match(pattern);
    if (m !== null) {
      query = masked.slice((m.index ?? 0) + m[0].length);
      break;
    }
  }
  query ??= masked.match(QUERY_BEFORE)?.[1] ?? '';
  return trimPunctuation(
    query
      .replace(/\b(?:on\s+)?page\s+\d+\b|\b(?:top|first|best)\s+\d+\b|\(\d{4}\)|\bfrom\s+(?:the\s+)?\d{4}s?\b/gi, ' ')
      .replace(new RegExp(String.raw`\s*\b${FILM}\b.*$`, 'i'), '')
      .replace(/^\s*(?:of|for|from)\s+/i, '')
      .replace(/^(?:\d+\s+)?(?:good|great|popular|some|any|the\s+best)\s+/i, '')
      .replace(/\s+(?:please|for\s+me)\s*$/i, ''),
  ).trim();
}

/** Routes film clauses to `search_movie({query, language?, page?, per_page?})`. */
export const movieRoute: Route = {
  intent: 'movie',
  plan(clause, ctx) {
    const fact = parseFilmFact(clause);
    if (fact !== undefined) {
      ctx.add(
        fact.title === ''
          ? note('I could not tell which film you are asking about; please give its title.')
          : filmFactTask(fact),
      );
      return;
    }
    const request = parseFilmRequest(clause);
    if (request.query === '') {
      const which = request.language === undefined ? '' : ` in ${languageName(request.language)}`;
      ctx.add(note(`I could not tell which film${which} to look for; please give a title or a word from it.`));
      return;
    }
    const args: Record<string, unknown> = { query: request.query };
    if (request.language !== undefined) args.language = request.language;
    if (request.page !== undefined) args.page = request.page;
    if (request.perPage !== undefined) args.per_page = request.perPage;
    ctx.add(
      singleCall({
        tool: 'search_movie',
        args,
        describe: (a) => `search for films matching "${String(a.query)}"`,
        answer: filmsSentence,
      }),
    );
  },
};

/** "I found 2 films matching "Inception": Inception (2010; Action, Science Fiction): overview…" */
function filmsSentence(args: Record<string, unknown>, data: unknown): string | Cannot {
  const body = record(data);
  const results = records(body?.results);
  if (body === undefined || results === undefined) return unreadable('movie', data);
  const matching = ` matching "${String(args.query)}"${typeof args.language === 'string' ? ` in ${languageName(args.language)}` : ''}`;
  const total = num(body.total_results) ?? results.length;
  if (results.length === 0) return `I found no films${matching}.`;
  const describe = (film: Record<string, unknown>, withOverview: boolean): string => {
    const original = text(film.original_name);
    const name = text(film.name) ?? original ?? 'Untitled';
    const genres = Array.isArray(film.genres) ? film.genres.filter((g): g is string => typeof g === 'string') : [];
    const facts = [
      num(film.year) === undefined ? undefined : String(film.year),
      original && original !== name ? `original title "${original}"` : undefined,
      genres.join(', ') || undefined,
    ].filter((f): f is string => f !== undefined);
    const overview = withOverview ? text(film.overview) : undefined;
    return `${name}${facts.length > 0 ? ` (${facts.join('; ')})` : ''}${overview ? `: ${overview}` : ''}`;
  };
  const pages = num(body.total_pages);
  const pageNote = pages !== undefined && pages > 1 ? ` (page ${num(body.page) ?? 1} of ${pages})` : '';
  if (results.length === 1)
    return `I found ${counted(total, 'film')}${matching}: ${describe(results[0], true)}${pageNote}`;
  const list = results.slice(0, SHOWN_FILMS).map((film, i) => `${i + 1}. ${describe(film, i === 0)}`);
  const more = results.length > SHOWN_FILMS ? `\n…and ${results.length - SHOWN_FILMS} more on this page.` : '';
  return `I found ${counted(total, 'film')}${matching}${pageNote}:\n${list.join('\n')}${more}`;
}
