/**
 * The shipped film catalogue (`tools/data/movies.json`) and how it is searched: a case- and
 * accent-insensitive substring of the English `name` or the `original_name` ("amelie" finds
 * "Le Fabuleux Destin d'Amélie Poulain"), optionally only films in one original language.
 */
import { z } from 'zod';
import { loadDataFile } from '../../data.js';
import { matchKey } from '../../text.js';

const movieSchema = z.object({
  name: z.string().min(1),
  original_name: z.string().min(1),
  year: z.number().int().min(1870).max(2100),
  genres: z.array(z.string().min(1)),
  language: z.string().regex(/^[a-z]{2}$/, 'must be an ISO 639-1 code'),
  overview: z.string(),
});

const moviesSchema = z.array(movieSchema).min(1);

/** One film: English name, original name, release year, genres, ISO 639-1 original language, overview. */
export type Movie = z.output<typeof movieSchema>;

/** Loads and validates `movies.json` (once per process). */
export function loadMovies(): readonly Movie[] {
  return loadDataFile('movies.json', moviesSchema);
}

/** How well a title matches a query: exact, prefix, word start, anywhere; -1 for no match. */
function matchRank(titleKey: string, queryKey: string): number {
  if (titleKey === queryKey) return 3;
  if (titleKey.startsWith(queryKey)) return 2;
  if (` ${titleKey}`.includes(` ${queryKey}`)) return 1;
  return titleKey.includes(queryKey) ? 0 : -1;
}

interface IndexedMovie {
  readonly movie: Movie;
  readonly keys: readonly string[];
}

/** The catalogue, searchable by title. */
export class MovieCatalogue {
  private readonly movies: IndexedMovie[];

  constructor(movies: readonly Movie[]) {
    this.movies = movies.map((movie) => ({ movie, keys: [matchKey(movie.name), matchKey(movie.original_name)] }));
  }

  /**
   * The films matching `query` (all films for an empty query), in `language` when given: best match
   * first (exact title, then title prefix, then a word of the title, then anywhere), then by name.
   */
  find(query: string, language?: string): Movie[] {
    const queryKey = matchKey(query);
    const ranked: { movie: Movie; rank: number }[] = [];
    for (const { movie, keys } of this.movies) {
      if (language !== undefined && movie.language !== language) continue;
      const rank = queryKey === '' ? 0 : Math.max(...keys.map((key) => matchRank(key, queryKey)));
      if (rank >= 0) ranked.push({ movie, rank });
    }
    ranked.sort((a, b) => b.rank - a.rank || a.movie.name.localeCompare(b.movie.name) || a.movie.year - b.movie.year);
    return ranked.map((r) => r.movie);
  }
}
