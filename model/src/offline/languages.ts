/**
 * Language names and ISO 639-1 codes, for translation targets ("into French") and film language filters
 * ("Japanese films"). The translator supports en es fr de it pt; other languages are still passed through
 * so the service, not the model, says what it does not support.
 */
import { escapeRegExp } from './text.js';

interface Language {
  code: string;
  /** English name first (used in answers), then other names and adjectives that mean this language. */
  names: readonly string[];
}

const LANGUAGES: readonly Language[] = [
  { code: 'en', names: ['English'] },
  { code: 'es', names: ['Spanish', 'Castilian', 'Español'] },
  { code: 'fr', names: ['French', 'Français'] },
  { code: 'de', names: ['German', 'Deutsch'] },
  { code: 'it', names: ['Italian', 'Italiano'] },
  { code: 'pt', names: ['Portuguese', 'Brazilian Portuguese', 'Português'] },
  { code: 'nl', names: ['Dutch'] },
  { code: 'sv', names: ['Swedish'] },
  { code: 'da', names: ['Danish'] },
  { code: 'no', names: ['Norwegian'] },
  { code: 'fi', names: ['Finnish'] },
  { code: 'pl', names: ['Polish'] },
  { code: 'cs', names: ['Czech'] },
  { code: 'hu', names: ['Hungarian'] },
  { code: 'el', names: ['Greek'] },
  { code: 'ru', names: ['Russian'] },
  { code: 'uk', names: ['Ukrainian'] },
  { code: 'tr', names: ['Turkish'] },
  { code: 'ar', names: ['Arabic'] },
  { code: 'he', names: ['Hebrew'] },
  { code: 'fa', names: ['Persian', 'Farsi'] },
  { code: 'hi', names: ['Hindi'] },
  { code: 'bn', names: ['Bengali', 'Bangla'] },
  { code: 'ro', names: ['Romanian'] },
  { code: 'ta', names: ['Tamil'] },
  { code: 'te', names: ['Telugu'] },
  { code: 'zh', names: ['Chinese', 'Mandarin'] },
  { code: 'ja', names: ['Japanese'] },
  { code: 'ko', names: ['Korean'] },
  { code: 'th', names: ['Thai'] },
  { code: 'vi', names: ['Vietnamese'] },
  { code: 'id', names: ['Indonesian'] },
];

/** Codes written as codes ("to ES", "fr→de") are only accepted for the translator's own languages. */
const CODE_WORDS = new Set(['en', 'es', 'fr', 'de', 'pt']);

/** A language named in a text: its code and where the name sits. */
export interface LanguageMention {
  code: string;
  index: number;
  length: number;
}

const NAME_PATTERN = new RegExp(
  `(?<![\\p{L}])(${LANGUAGES.flatMap((l) => l.names)
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|')})(?![\\p{L}])`,
  'giu',
);

/**
 * Every language named in `text` (names or adjectives, case-insensitive), in text order.
 * @returns mentions with their ISO 639-1 code and position.
 */
export function findLanguages(text: string): LanguageMention[] {
  return [...text.matchAll(NAME_PATTERN)].map((m) => ({
    code: codeOfName(m[1]) ?? '',
    index: m.index,
    length: m[1].length,
  }));
}

/**
 * The ISO 639-1 code for a language name or code ("spanish", "ES", "Español" → "es"), or `undefined`.
 * Two-letter codes are accepted only for the translator's languages (and "IT" only in capitals, since
 * "it" is usually the pronoun).
 */
export function languageCode(word: string): string | undefined {
  const lower = word.toLowerCase();
  if (CODE_WORDS.has(lower) || word === 'IT') return lower;
  return codeOfName(word);
}

function codeOfName(name: string): string | undefined {
  const lower = name.toLowerCase();
  return LANGUAGES.find((l) => l.names.some((n) => n.toLowerCase() === lower))?.code;
}

/** The English name of a language code ("es" → "Spanish"); unknown codes are returned as they are. */
export function languageName(code: string): string {
  return LANGUAGES.find((l) => l.code === code.toLowerCase())?.names[0] ?? code;
}
