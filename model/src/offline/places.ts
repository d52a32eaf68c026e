/**
 * Place names in weather requests. Known names (the weather service's cities and aliases, when its data
 * file is at hand) are found in any case and without accents ("sao paulo", "nyc"); any other place is
 * recognised generically as a capitalised name after "in/for/at/near" or before "weather", so an unknown
 * city still reaches the service, which answers 404 for it.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { escapeRegExp, fold, titleCase } from './text.js';

/** The weather service's data file, at the same relative place from `src/offline` and `dist/offline`. */
const CITIES_FILE = new URL('../../../tools/data/cities.json', import.meta.url);

let knownPlaces: readonly string[] | undefined;

/**
 * City names and aliases from `tools/data/cities.json` (read once), or an empty list when the file is not
 * there or not in the expected shape (an array of `{name, aliases?}`); generic recognition then does all
 * the work.
 */
export function defaultKnownPlaces(): readonly string[] {
  if (knownPlaces !== undefined) return knownPlaces;
  try {
    const entries: unknown = JSON.parse(readFileSync(fileURLToPath(CITIES_FILE), 'utf8'));
    knownPlaces = Array.isArray(entries) ? entries.flatMap(placeNames) : [];
  } catch {
    knownPlaces = [];
  }
  return knownPlaces;
}

function placeNames(entry: unknown): string[] {
  if (typeof entry !== 'object' || entry === null) return [];
  const { name, aliases } = entry as { name?: unknown; aliases?: unknown };
  const all = [name, ...(Array.isArray(aliases) ? aliases : [])];
  return all.filter((n): n is string => typeof n === 'string' && n.trim() !== '');
}

/** Words that are capitalised but never places: days, months, units, times of day, pronouns. */
const NOT_PLACES = new Set([
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'january',
  'february',
  'march',
  'april',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'today',
  'tonight',
  'tomorrow',
  'now',
  'celsius',
  'fahrenheit',
  'c',
  'f',
  'i',
  'please',
  'weather',
  'the',
  'this',
  'next',
  'morning',
  'afternoon',
  'evening',
  'weekend',
  'week',
]);
const ANCHORS = new Set(['in', 'for', 'at', 'near', 'around', 'of']);
const PARTICLES = new Set([
  'de',
  'da',
  'do',
  'del',
  'della',
  'di',
  'du',
  'la',
  'le',
  'les',
  'el',
  'al',
  'am',
  'upon',
  'sur',
  'es',
]);
const JOINERS = new Set([',', 'and', 'or', '&']);
const LOWERCASE_STOPS = new Set([
  'today',
  'tonight',
  'tomorrow',
  'now',
  'right',
  'currently',
  'this',
  'these',
  'next',
  'please',
  'like',
  'and',
  'or',
  'at',
  'on',
  'in',
  'for',
  'the',
  'a',
  'my',
  'me',
  'it',
  'is',
  'weather',
  'temperature',
  'forecast',
  'outside',
  'there',
]);

interface Word {
  text: string;
  index: number;
}

const isCapitalised = (w: string): boolean => /^\p{Lu}/u.test(w) && !NOT_PLACES.has(w.toLowerCase().replace(/\.$/, ''));

/**
 * The places named in `text`, in order of appearance, without duplicates: known names first matched
 * case- and accent-insensitively (aliases of three letters or fewer, like "LA", only as written or right
 * after "in/for/at"), then
 * capitalised names after a preposition or before "weather"/"forecast"/"temperature", then, if nothing
 * was found, the lower-case words after the last "in/for/at" title-cased ("in atlantis" → "Atlantis").
 * @param known names and aliases to recognise in any case
 */
export function findPlaces(text: string, known: readonly string[]): string[] {
  const found: Array<{ name: string; index: number; end: number }> = [];
  const free = (start: number, end: number): boolean => found.every((f) => end <= f.index || start >= f.end);
  const folded = fold(text);
  for (const m of knownMatches(text, folded, known)) {
    if (free(m.index, m.index + m.length)) found.push({ name: m.name, index: m.index, end: m.index + m.length });
  }
  const words: Word[] = [...text.matchAll(/[\p{L}\p{M}\p{N}'’.-]+|[^\s\p{L}\p{M}\p{N}]/gu)].map((m) => ({
    text: m[0],
    index: m.index,
  }));
  for (let i = 0; i < words.length; i++) {
    const anchored =
      ANCHORS.has(words[i].text.toLowerCase()) ||
      (found.length > 0 && JOINERS.has(words[i].text.toLowerCase()) && i > 0);
    const beforeWeatherWord =
      /^(?:weather|forecast|temperature)$/i.test(words[i + 1]?.text ?? '') && isCapitalised(words[i].text);
    const start = anchored ? i + 1 : beforeWeatherWord ? backToStart(words, i) : -1;
    if (start < 0 || start >= words.length || !isCapitalised(words[start].text)) continue;
    const end = capitalisedRunEnd(words, start);
    const first = words[start];
    const last = words[end - 1];
    const name = tidyName(text.slice(first.index, last.index + last.text.length));
    if (free(first.index, last.index + last.text.length))
      found.push({ name, index: first.index, end: last.index + last.text.length });
  }
  if (found.length === 0) {
    const place = lowercasePlace(words);
    if (place !== undefined) found.push({ name: place, index: 0, end: 0 });
  }
  const seen = new Set<string>();
  return found
    .sort((a, b) => a.index - b.index)
    .map((f) => f.name)
    .filter((name) => {
      const key = fold(name);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

interface KnownPatterns {
  /** Names longer than three letters, longest first, matched in folded text. */
  long: RegExp;
  /** Short aliases ("LA", "SF") are also words ("la"): matched as written, or in any case after "in/for/at". */
  shortAsWritten: RegExp;
  shortAfterPreposition: RegExp;
  byKey: Map<string, string>;
}

const compiled = new WeakMap<readonly string[], KnownPatterns>();
const NEVER = /$^/gu;

function patternsFor(known: readonly string[]): KnownPatterns {
  const cached = compiled.get(known);
  if (cached !== undefined) return cached;
  const sorted = [...known].sort((a, b) => b.length - a.length);
  const alternation = (names: string[], key: (n: string) => string): string =>
    names.map((n) => escapeRegExp(key(n))).join('|');
  const long = sorted.filter((n) => n.length > 3);
  const short = sorted.filter((n) => n.length <= 3);
  const edge = (body: string, lead = '(?<![\\p{L}\\p{N}])'): RegExp =>
    body === '' ? NEVER : new RegExp(`${lead}(?:${body})(?![\\p{L}\\p{N}])`, 'gu');
  const patterns: KnownPatterns = {
    long: edge(alternation(long, fold)),
    shortAsWritten: edge(alternation(short, (n) => n)),
    shortAfterPreposition: edge(alternation(short, fold), '(?<=\\b(?:in|for|at)\\s+)'),
    byKey: new Map(sorted.map((n) => [fold(n), n])),
  };
  compiled.set(known, patterns);
  return patterns;
}

/** Known names in the text, each with the spelling of the list ("nyc" → "NYC"). */
function knownMatches(
  text: string,
  folded: string,
  known: readonly string[],
): Array<{ name: string; index: number; length: number }> {
  const patterns = patternsFor(known);
  return [
    ...folded.matchAll(patterns.long),
    ...text.matchAll(patterns.shortAsWritten),
    ...folded.matchAll(patterns.shortAfterPreposition),
  ].map((m) => ({
    name: patterns.byKey.get(fold(m[0])) ?? m[0],
    index: m.index,
    length: m[0].length,
  }));
}

/** The first word of the capitalised run that ends at words[i] ("New York weather" → "New"). */
function backToStart(words: readonly Word[], i: number): number {
  let start = i;
  while (start > 0 && isCapitalised(words[start - 1].text)) start -= 1;
  return start;
}

/** Index after the capitalised run starting at `start`, letting lower-case particles join ("Rio de Janeiro"). */
function capitalisedRunEnd(words: readonly Word[], start: number): number {
  let end = start + 1;
  while (end < words.length) {
    const w = words[end].text;
    if (isCapitalised(w)) end += 1;
    else if (PARTICLES.has(w.toLowerCase()) && words[end + 1] !== undefined && isCapitalised(words[end + 1].text))
      end += 2;
    else break;
  }
  return end;
}

/** Drops a sentence-final full stop ("Paris." → "Paris") but keeps abbreviations ("D.C.", "St. Louis"). */
function tidyName(name: string): string {
  return /^[^.]*\.$/.test(name.split(' ').at(-1) ?? '') ? name.slice(0, -1) : name;
}

function lowercasePlace(words: readonly Word[]): string | undefined {
  const anchor = words.findLastIndex((w) => ['in', 'for', 'at'].includes(w.text.toLowerCase()));
  if (anchor < 0) return undefined;
  const run: string[] = [];
  for (const w of words.slice(anchor + 1)) {
    if (
      !/^\p{L}[\p{L}'’-]*$/u.test(w.text) ||
      LOWERCASE_STOPS.has(w.text.toLowerCase()) ||
      NOT_PLACES.has(w.text.toLowerCase())
    )
      break;
    run.push(w.text);
  }
  return run.length > 0 && run.length <= 4 ? titleCase(run.join(' ')) : undefined;
}
