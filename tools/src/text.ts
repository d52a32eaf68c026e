/**
 * Text matching shared by the services: names and words are compared case- and accent-insensitively
 * ("sao paulo" finds "São Paulo", "AMELIE" finds "Amélie"), with punctuation treated as a space
 * ("wall-e" finds "WALL·E").
 */

/** Letters that Unicode decomposition does not split into a base letter and a mark. */
const LIGATURES: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/** Lower-cases `text` and strips its accents (NFKD, combining marks removed, ligatures spelled out). */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (ch) => LIGATURES[ch] ?? ch);
}

/** Reduces every run of non-letters/digits to one space, trimmed (apostrophes inside words dropped). */
function keyOf(text: string): string {
  return text
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Folds `text` and reduces every run of non-letters/digits to one space, trimmed: the key names are matched on. */
export function matchKey(text: string): string {
  return keyOf(foldText(text));
}

/**
 * Like {@link matchKey} but keeping accents: the key that tells apart words that differ only by an
 * accent (Italian "e" and "è", Spanish "si" and "sí"), tried before the accent-free one.
 */
export function exactKey(text: string): string {
  return keyOf(text.normalize('NFC').toLowerCase());
}

/** The folded words of `text` (letters and digits; apostrophes inside a word are dropped). */
export function foldedWords(text: string): string[] {
  const key = matchKey(text);
  return key === '' ? [] : key.split(' ');
}
