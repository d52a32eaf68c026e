/**
 * Text helpers shared by the offline model's parsers: quoted spans, masking them so their words never
 * trigger routing, and small string clean-ups.
 */

/** A quoted span of the prompt: its inner text and where the whole span (quotes included) sits. */
export interface QuotedSpan {
  text: string;
  start: number;
  end: number;
}

const PAIRED_QUOTES: Record<string, string> = { '"': '"', '“': '”', '«': '»', '„': '“' };
const SINGLE_OPENERS = new Set(["'", '‘']);
const SINGLE_CLOSERS = new Set(["'", '’']);
const BEFORE_OPENER = /[\s([{:,;—–-]/;
const AFTER_CLOSER = /[\s.,;:!?)\]}"”]/;

/**
 * Finds quoted spans: "…", “…”, «…», and '…' / ‘…’ where a single quote only opens after a space or
 * punctuation and only closes before one, so apostrophes ("What's", "don't") are not quotes.
 * @returns spans in text order, inner text trimmed; empty quotes are ignored.
 */
export function findQuotes(text: string): QuotedSpan[] {
  const spans: QuotedSpan[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    const end =
      PAIRED_QUOTES[ch] !== undefined
        ? text.indexOf(PAIRED_QUOTES[ch], i + 1)
        : SINGLE_OPENERS.has(ch) && (i === 0 || BEFORE_OPENER.test(text[i - 1])) && /\S/.test(text[i + 1] ?? '')
          ? findSingleCloser(text, i + 1)
          : -1;
    const inner = end > i ? text.slice(i + 1, end).trim() : '';
    if (inner !== '') {
      spans.push({ text: inner, start: i, end: end + 1 });
      i = end + 1;
    } else {
      i += 1;
    }
  }
  return spans;
}

function findSingleCloser(text: string, from: number): number {
  for (let j = from + 1; j < text.length; j++) {
    if (
      SINGLE_CLOSERS.has(text[j]) &&
      /\S/.test(text[j - 1]) &&
      (j + 1 === text.length || AFTER_CLOSER.test(text[j + 1]))
    ) {
      return j;
    }
  }
  return -1;
}

const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARK = new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, 'g');

/** Text whose quoted spans are replaced by opaque markers, with the quotes kept aside. */
export interface MaskedText {
  text: string;
  quotes: string[];
}

/**
 * Replaces every quoted span by a marker (private-use characters around its index), so clause splitting
 * and keyword routing never look inside quotes. {@link unmask} puts the quotes back.
 */
export function maskQuotes(text: string): MaskedText {
  const quotes: string[] = [];
  let out = '';
  let last = 0;
  for (const span of findQuotes(text)) {
    out += `${text.slice(last, span.start)}${MARK_OPEN}${quotes.length}${MARK_CLOSE}`;
    quotes.push(span.text);
    last = span.end;
  }
  return { text: out + text.slice(last), quotes };
}

/** Puts quoted spans back into masked text, wrapped in `wrap` (default: plain double quotes). */
export function unmask(text: string, quotes: readonly string[], wrap = (q: string) => `"${q}"`): string {
  return text.replace(MARK, (_m, n: string) => wrap(quotes[Number(n)] ?? ''));
}

/** The quotes that appear (as markers) in this piece of masked text, in order. */
export function quotesIn(text: string, quotes: readonly string[]): string[] {
  return [...text.matchAll(MARK)].map((m) => quotes[Number(m[1])] ?? '');
}

/** True when the masked text contains at least one quote marker. */
export function hasQuote(text: string): boolean {
  return text.includes(MARK_OPEN);
}

/**
 * Courtesy and sequencing words before a request's verb ("And then please could you …"), so routing and
 * extraction can look at the verb itself.
 */
export const COURTESY =
  /^(?:(?:and|also|then|plus|next|finally|first|firstly|second|lastly|after that|afterwards|please|pls|kindly|ok|okay|oh|hey|hi|hello|now|so|quickly|can you|could you|would you|will you|would you mind|i want you to|i'd like you to|i would like you to|i need you to|help me|go ahead and|let's|lets|i want to|i'd like to|i would like to|i need to|try to)\b[\s,!:]*)*/i;

/** Collapses runs of whitespace and trims. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Removes trailing sentence punctuation and spaces ("Paris?!" → "Paris"). */
export function trimPunctuation(text: string): string {
  return text.replace(/^[\s,;:.!?-]+|[\s,;:.!?-]+$/g, '');
}

/** Upper-cases the first letter ("team meeting" → "Team meeting"). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Upper-cases the first letter of every word ("new york" → "New York"). */
export function titleCase(text: string): string {
  return text.replace(/(^|[\s-])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
}

/** Lower-cases and strips accents, for case- and accent-insensitive comparisons ("Zürich" → "zurich"). */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Escapes a string for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Joins items as English prose: "a", "a and b", "a, b and c". */
export function listProse(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "1 event" / "3 events": a count with its noun, pluralised with an "s". */
export function counted(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
