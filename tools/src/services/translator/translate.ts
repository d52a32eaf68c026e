/**
 * Dictionary translation: sentence by sentence, a whole sentence found in the phrase list is
 * translated as that phrase; any other sentence is translated word by word, trying the longest run of
 * words that is an entry first (so "good morning" is one entry, not two), and keeping words the
 * dictionary lacks (names, numbers) as they are. Punctuation and spacing between words are kept;
 * capitals follow the source (a capitalised sentence start, an all-capitals word), except where the
 * capital belongs to the word itself (English "I", German nouns), where the target's own form is used.
 * No grammar is applied: word order, agreement and conjugation stay as in the source.
 */
import { matchKey } from '../../text.js';
import type { Dictionary, DictionaryRow } from './dictionary.js';

/** How a text was translated: every sentence as a known phrase, or (at least partly) word by word. */
export type TranslationMethod = 'phrase' | 'word-by-word';

/** A translation and how it was made. */
export interface Translation {
  readonly translation: string;
  readonly method: TranslationMethod;
}

/** A sentence with its end punctuation, then the spaces after it. */
const SENTENCE = /[^.!?…]+(?:[.!?…]+|$)|[.!?…]+/gu;
const END_PUNCTUATION = /[.!?…]+$/u;
/** A word: letters and digits, with inner apostrophes ("don't", "l'eau"). */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

function isCapitalised(word: string): boolean {
  const first = word.charAt(0);
  return first !== first.toLowerCase();
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** True when a text of more than one letter is written all in capitals. */
function isShouted(text: string): boolean {
  const letters = text.replace(/[^\p{L}]/gu, '');
  return letters.length > 1 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

/**
 * The target form of a dictionary entry, in the capitals the source used.
 * @param source the words as written in the text
 * @param sourceForm the entry's own form in the source language
 * @param targetForm the entry's form in the target language
 * @param sentenceStart whether the source words begin their sentence
 */
function followCase(source: string, sourceForm: string, targetForm: string, sentenceStart: boolean): string {
  if (isShouted(source)) return targetForm.toUpperCase();
  const letters = source.replace(/[^\p{L}]/gu, '');
  // A capital is the word's own (English "I", German nouns) when the dictionary writes it so, or when
  // a one-letter word has it mid-sentence ("then I go"): the target's own form is used then.
  const lexicalCapital = isCapitalised(sourceForm) || (!sentenceStart && letters.length === 1);
  if (isCapitalised(source) && (sentenceStart || !lexicalCapital)) return capitalise(targetForm);
  return targetForm;
}

/** An entry's target form without the sentence punctuation a phrase carries (`¿`, `?`), for use inside a sentence. */
function innerForm(text: string): string {
  return text.replace(/^[¿¡]+/u, '').replace(END_PUNCTUATION, '');
}

interface WordToken {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** Translates one sentence word by word (see the module comment). */
function translateWords(dictionary: Dictionary, sentence: string, from: string, to: string): string {
  const words: WordToken[] = [...sentence.matchAll(WORD)].map((m) => ({
    text: m[0],
    start: m.index,
    end: m.index + m[0].length,
  }));
  let out = '';
  let cursor = 0;
  for (let i = 0; i < words.length; ) {
    const first = words[i] as WordToken;
    out += sentence.slice(cursor, first.start);
    let matched: { row: DictionaryRow; count: number; phrase: boolean } | undefined;
    for (let count = Math.min(dictionary.longestEntryWords, words.length - i); count >= 1 && !matched; count--) {
      const run = words.slice(i, i + count);
      const key = run.map((w) => matchKey(w.text)).join(' ');
      const spacedOnly = run.every(
        (w, k) => k === 0 || /^\s+$/u.test(sentence.slice((run[k - 1] as WordToken).end, w.start)),
      );
      const word = spacedOnly ? dictionary.word(from, run.map((w) => w.text).join(' ')) : undefined;
      const phrase = count > 1 && !word ? dictionary.phrase(from, key) : undefined;
      if (word || phrase) matched = { row: (word ?? phrase) as DictionaryRow, count, phrase: !word };
    }
    if (matched) {
      const last = words[i + matched.count - 1] as WordToken;
      const source = sentence.slice(first.start, last.end);
      const sourceForm = matched.row[from] ?? source;
      const targetForm = matched.phrase ? innerForm(matched.row[to] ?? source) : (matched.row[to] ?? source);
      out += followCase(source, sourceForm, targetForm, i === 0);
      cursor = last.end;
      i += matched.count;
    } else {
      out += first.text;
      cursor = first.end;
      i += 1;
    }
  }
  return out + sentence.slice(cursor);
}

/**
 * Translates `text` from language `from` to language `to` (codes of the dictionary's languages).
 * @returns the translation, and `phrase` when every sentence was a known phrase, else `word-by-word`
 */
export function translateText(dictionary: Dictionary, text: string, from: string, to: string): Translation {
  let translation = '';
  let phraseSentences = 0;
  let wordSentences = 0;
  for (const [segment] of text.matchAll(SENTENCE)) {
    const sentence = segment.trimEnd();
    const trailing = segment.slice(sentence.length);
    const phrase = dictionary.phrase(from, matchKey(sentence))?.[to];
    if (phrase !== undefined) {
      const target = isShouted(sentence) ? phrase.toUpperCase() : phrase;
      const leading = sentence.slice(0, sentence.length - sentence.trimStart().length);
      const end = END_PUNCTUATION.exec(sentence)?.[0];
      translation += leading + (end && !END_PUNCTUATION.test(target) ? target + end : target) + trailing;
      phraseSentences += 1;
    } else {
      if (matchKey(sentence) !== '') wordSentences += 1;
      translation += translateWords(dictionary, sentence, from, to) + trailing;
    }
  }
  return { translation, method: phraseSentences > 0 && wordSentences === 0 ? 'phrase' : 'word-by-word' };
}
