/**
 * The shipped translation dictionary (`tools/data/translations.json`): phrases and words, each row
 * holding the same meaning in every supported language, looked up by any of them. Lookups are case-
 * and accent-insensitive and ignore punctuation ("hola como estas" finds "Hola, ¿cómo estás?"); a
 * word is first looked up with its accents, so words that differ only by one keep their own meaning.
 */
import { z } from 'zod';
import { loadDataFile } from '../../data.js';
import { exactKey, foldedWords, matchKey } from '../../text.js';

const translationsSchema = z
  .object({
    languages: z.record(z.string().regex(/^[a-z]{2}$/, 'language codes must be ISO 639-1'), z.string().min(1)),
    phrases: z.array(z.record(z.string(), z.string().min(1))),
    words: z.array(z.record(z.string(), z.string().min(1))),
  })
  .superRefine((data, ctx) => {
    const codes = Object.keys(data.languages);
    for (const list of ['phrases', 'words'] as const) {
      data[list].forEach((row, index) => {
        const missing = codes.filter((code) => !row[code]);
        if (missing.length > 0)
          ctx.addIssue({ code: 'custom', path: [list, index], message: `missing ${missing.join(', ')}` });
      });
    }
  });

/** One dictionary row: the same phrase or word by language code. */
export type DictionaryRow = Readonly<Record<string, string>>;

/** A lookup table from match key to row, per language. */
type Table = Map<string, Map<string, DictionaryRow>>;

function buildTable(
  rows: readonly DictionaryRow[],
  codes: readonly string[],
  keyOf: (text: string) => string = matchKey,
): Table {
  const table: Table = new Map(codes.map((code) => [code, new Map<string, DictionaryRow>()]));
  for (const row of rows) {
    for (const code of codes) {
      const key = keyOf(row[code] ?? '');
      const byKey = table.get(code);
      // The first row wins a key two rows share (e.g. German "sie" = she / they).
      if (key !== '' && byKey && !byKey.has(key)) byKey.set(key, row);
    }
  }
  return table;
}

/** The phrase and word dictionary. */
export class Dictionary {
  /** Supported languages: ISO 639-1 code → English name, in the file's order. */
  readonly languages: Readonly<Record<string, string>>;
  /** The most words in any phrase or word entry: the longest run a lookup needs to try. */
  readonly longestEntryWords: number;
  private readonly phrases: Table;
  private readonly words: Table;
  private readonly wordsWithAccents: Table;
  private readonly vocabulary = new Map<string, Set<string>>();

  constructor(data: { languages: Record<string, string>; phrases: DictionaryRow[]; words: DictionaryRow[] }) {
    this.languages = Object.freeze({ ...data.languages });
    const codes = Object.keys(data.languages);
    this.phrases = buildTable(data.phrases, codes);
    this.words = buildTable(data.words, codes);
    this.wordsWithAccents = buildTable(data.words, codes, exactKey);
    let longest = 1;
    for (const code of codes) {
      const vocabulary = new Set<string>();
      for (const table of [this.phrases, this.words]) {
        for (const key of table.get(code)?.keys() ?? []) {
          const words = key.split(' ');
          longest = Math.max(longest, words.length);
          for (const word of words) vocabulary.add(word);
        }
      }
      this.vocabulary.set(code, vocabulary);
    }
    this.longestEntryWords = longest;
  }

  /** The phrase whose `language` form has match key `key`. */
  phrase(language: string, key: string): DictionaryRow | undefined {
    return this.phrases.get(language)?.get(key);
  }

  /**
   * The word (or multi-word expression) of `language` written `text`: the entry with the same accents
   * first (Italian "è" is "is", "e" is "and"), else the one with the same match key.
   */
  word(language: string, text: string): DictionaryRow | undefined {
    return this.wordsWithAccents.get(language)?.get(exactKey(text)) ?? this.words.get(language)?.get(matchKey(text));
  }

  /**
   * Guesses the language of `text`: a whole-phrase match decides; otherwise the language whose
   * vocabulary holds most of the text's words (ties go to the language listed first).
   * @returns a language code, or undefined when no word of the text is in any language's vocabulary
   */
  detect(text: string): string | undefined {
    const key = matchKey(text);
    const codes = Object.keys(this.languages);
    const byPhrase = codes.find((code) => this.phrase(code, key));
    if (byPhrase) return byPhrase;
    const words = foldedWords(text);
    let best: string | undefined;
    let bestCount = 0;
    for (const code of codes) {
      const vocabulary = this.vocabulary.get(code);
      const count = words.filter((w) => vocabulary?.has(w)).length;
      if (count > bestCount) {
        best = code;
        bestCount = count;
      }
    }
    return best;
  }
}

/** Loads, validates and indexes `translations.json` (the file is read once per process). */
export function loadDictionary(): Dictionary {
  return new Dictionary(loadDataFile('translations.json', translationsSchema));
}
