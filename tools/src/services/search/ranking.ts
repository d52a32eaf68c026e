/**
 * Full-text ranking for the search service: Okapi BM25 (Robertson & Zaragoza, "The Probabilistic
 * Relevance Framework: BM25 and Beyond", 2009; k1 = 1.2, b = 0.75) over a document's fields, with term
 * frequencies weighted by field as in BM25F's simple form (a title word counts three times, a topic
 * twice, a snippet word one and a half times, a body word once).
 *
 * Words are folded (case, accents) and plurals reduced with Harman's S-stemmer (Harman, "How
 * effective is suffixing?", JASIS 1991), so "toxics" finds "toxic". A query's English stop words are
 * left out of its ranking unless it has no other words.
 */
import { foldedWords } from '../../text.js';

const K1 = 1.2;
const B = 0.75;

/** The fields a document is ranked on, with the weight of a word in each. */
const FIELD_WEIGHTS = { title: 3, topics: 2, snippet: 1.5, body: 1 } as const;

/** What the index needs of a document. */
export interface Searchable {
  readonly title: string;
  readonly snippet: string;
  readonly body: string;
  readonly topics: readonly string[];
}

const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be but by for from has have how i in is it its of on or that the this to was were what when ' +
    'where which who why will with about into than then there these those do does did can could should would you your'
  ).split(' '),
);

/** Harman's S-stemmer: ies → y, es → e, s → '' (with its exceptions). */
export function stemPlural(word: string): string {
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && !word.endsWith('eies') && !word.endsWith('aies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('es') && !word.endsWith('aes') && !word.endsWith('ees') && !word.endsWith('oes'))
    return word.slice(0, -1);
  if (word.endsWith('s') && !word.endsWith('us') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** The index terms of `text`: folded words, plurals stemmed. */
export function terms(text: string): string[] {
  return foldedWords(text).map(stemPlural);
}

/** The terms a query is ranked on: its terms without stop words, or all of them when it has nothing else. */
function queryTerms(query: string): string[] {
  const all = [...new Set(terms(query))];
  const meaningful = all.filter((t) => !STOP_WORDS.has(t));
  return meaningful.length > 0 ? meaningful : all;
}

interface IndexedDocument<D> {
  readonly document: D;
  readonly frequencies: ReadonlyMap<string, number>;
  readonly length: number;
}

/** A ranked hit. `score` is the BM25 score, rounded to 4 decimals. */
export interface Hit<D> {
  readonly document: D;
  readonly score: number;
}

/** An inverted index over documents, built once. */
export class SearchIndex<D extends Searchable> {
  private readonly documents: IndexedDocument<D>[];
  private readonly documentFrequency = new Map<string, number>();
  private readonly averageLength: number;

  constructor(documents: readonly D[]) {
    this.documents = documents.map((document) => {
      const frequencies = new Map<string, number>();
      let length = 0;
      for (const [field, weight] of Object.entries(FIELD_WEIGHTS) as [keyof typeof FIELD_WEIGHTS, number][]) {
        const value = document[field];
        for (const term of terms(Array.isArray(value) ? value.join(' ') : (value as string))) {
          frequencies.set(term, (frequencies.get(term) ?? 0) + weight);
          length += weight;
        }
      }
      for (const term of frequencies.keys())
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      return { document, frequencies, length };
    });
    this.averageLength = this.documents.reduce((sum, d) => sum + d.length, 0) / Math.max(1, this.documents.length);
  }

  /**
   * Ranks the documents against `query`.
   * @param query free text; when it holds only stop words, they are searched for after all
   * @param limit how many hits to return
   * @returns `total` documents matching at least one term, and the best `limit` of them, best first
   *   (ties keep corpus order)
   */
  search(query: string, limit: number): { total: number; hits: Hit<D>[] } {
    const wanted = queryTerms(query);
    const count = this.documents.length;
    const scored: Hit<D>[] = [];
    for (const indexed of this.documents) {
      let score = 0;
      for (const term of wanted) {
        const tf = indexed.frequencies.get(term);
        if (!tf) continue;
        const df = this.documentFrequency.get(term) ?? 0;
        const idf = Math.log(1 + (count - df + 0.5) / (df + 0.5));
        score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * indexed.length) / this.averageLength));
      }
      if (score > 0) scored.push({ document: indexed.document, score: Math.round(score * 10_000) / 10_000 });
    }
    scored.sort((a, b) => b.score - a.score);
    return { total: scored.length, hits: scored.slice(0, limit) };
  }
}
