/**
 * Text matching shared by the services: names and words are compared case- and accent-insensitively
 * ("sao paulo" finds "São Paulo", "AMELIE" finds "Amélie"), with punctuation treated as a space
 * ("wall-e" finds "WALL·E").
 */

/** Letters that Unicode decomposition does not split into a base letter and a mark. */
const LIGATURES: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

/** Lower-cases `text` and strips its accents (NFKD, combining marks removed, ligatures spelled out). */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[ßæœøłđðþı]/g, (ch) => LIGATURES[ch] ?? ch);
}

/** Folds `text` and reduces every run of non-letters/digits to one space, trimmed: the key names are matched on. */
export function matchKey(text: string): string {
  return foldText(text)
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded words of `text` (letters and digits; apostrophes inside a word are dropped). */
export function foldedWords(text: string): string[] {
  const key = matchKey(text);
  return key === '' ? [] : key.split(' ');
}
