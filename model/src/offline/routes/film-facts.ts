/**
 * Questions about one film's facts: "Who directed The Godfather?", "When was Inception released?",
 * "What year did Parasite come out?". The title goes to `search_movie`; the answer is read only from
 * the returned film whose title matches (exactly, ignoring case and accents, else the first that
 * contains the asked title). The movie service's films carry a year but no director today: a director
 * question then gets an honest "I cannot tell", never a web search's guess.
 */
import type { Clause } from '../clauses.js';
import { FILM_FACT } from '../intents.js';
import { COURTESY, fold, squash, trimPunctuation, unmask } from '../text.js';
import type { Cannot, ToolTask } from '../types.js';
import { cannot, num, record, records, singleCall, text, unreadable } from './route.js';

/** What a film-fact question asks: the film's title and which fact. */
export interface FilmFact {
  title: string;
  fact: 'director' | 'year';
}

const LEAD =
  /^(?:who\s+(?:directed|made)|who\s+(?:was|is)\s+the\s+director\s+of|(?:in\s+)?what\s+year\s+(?:was|did)|when\s+(?:was|did)|(?:tell\s+me\s+)?(?:who\s+(?:was|is)\s+)?the\s+director\s+of)\s+/i;
const TAIL =
  /\s+(?:(?:first\s+)?(?:released|come\s+out|came\s+out|made|directed|filmed|premiered?)(?:\s+in\s+(?:cinemas|theaters|theatres))?|directed\s+by)$/i;

/**
 * Reads a film-fact question; undefined when the clause is not one (see `FILM_FACT` in intents.ts).
 * @returns the title (empty when none could be read) and the fact asked for
 */
export function parseFilmFact(clause: Clause): FilmFact | undefined {
  const sentence = squash(unmask(clause.masked, clause.quotes, (q) => q)).replace(COURTESY, '');
  if (!FILM_FACT.test(sentence)) return undefined;
  const fact = /\bdirect/i.test(sentence) ? 'director' : 'year';
  const title = trimPunctuation(
    trimPunctuation(sentence.replace(/^.*?\bdirector\s+of\s+/i, '').replace(LEAD, ''))
      .replace(TAIL, '')
      .replace(/^(?:the\s+)?(?:movie|film)\s+/i, ''),
  );
  return { title: clause.quotes[0] ?? title, fact };
}

/**
 * The film of a `search_movie` body the question is about: the exact title match, else the first
 * whose title contains the asked one; never an unrelated film the search also returned.
 */
function chosenFilm(data: unknown, title: string): Record<string, unknown> | undefined {
  const films = records(record(data)?.results) ?? [];
  const key = fold(title).replace(/^the\s+/, '');
  const names = (f: Record<string, unknown>) =>
    [f.name, f.original_name]
      .filter((n): n is string => typeof n === 'string')
      .map((n) => fold(n).replace(/^the\s+/, ''));
  return films.find((f) => names(f).includes(key)) ?? films.find((f) => names(f).some((n) => n.includes(key)));
}

/** The answer to a film-fact question from the movie service's body, or what it cannot tell. */
function factSentence(request: FilmFact, data: unknown): string | Cannot {
  if (records(record(data)?.results) === undefined) return unreadable('movie', data);
  const film = chosenFilm(data, request.title);
  if (film === undefined)
    return cannot(
      `I found no film called "${request.title}", so I cannot tell you ${request.fact === 'director' ? 'who directed it' : 'when it came out'}.`,
    );
  const name = text(film.name) ?? request.title;
  const year = num(film.year);
  const named = year === undefined ? name : `${name} (${year})`;
  if (request.fact === 'year') {
    return year === undefined
      ? cannot(`I found ${name}, but the movie service does not say when it came out.`)
      : `${name} came out in ${year}.`;
  }
  const director =
    text(film.director) ??
    (Array.isArray(film.directors)
      ? film.directors.filter((d): d is string => typeof d === 'string').join(' and ') || undefined
      : undefined);
  return director === undefined
    ? cannot(`I found ${named}, but the movie service does not say who directed it, so I cannot tell you.`)
    : `${named} was directed by ${director}.`;
}

/** The `search_movie` call for a film-fact question and its answer. */
export function filmFactTask(request: FilmFact): ToolTask {
  return singleCall({
    tool: 'search_movie',
    args: { query: request.title },
    describe: (args) => `look up the film "${String(args.query)}"`,
    answer: (_args, data) => factSentence(request, data),
  });
}
