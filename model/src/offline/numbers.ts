/**
 * English number words to digits ("fifteen" → 15, "two hundred and five" → 205, "three point five" → 3.5),
 * so arithmetic written in words reaches the calculator as an expression.
 */

const UNITS: Record<string, number> = {
  zero: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const SCALES: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9 };

interface Word {
  text: string;
  start: number;
  end: number;
}

const isNumberWord = (w: string): boolean =>
  w in UNITS || w in TENS || w === 'hundred' || w in SCALES || w.split('-').every((p) => p in UNITS || p in TENS);

/**
 * Replaces every run of English number words in `text` by its value in digits; everything else is kept
 * as it is. A run ends where the words stop forming one number ("one two" stays two numbers).
 */
export function numberWordsToDigits(text: string): string {
  const words: Word[] = [...text.matchAll(/[A-Za-z]+(?:-[A-Za-z]+)*/g)].map((m) => ({
    text: m[0].toLowerCase(),
    start: m.index,
    end: m.index + m[0].length,
  }));
  let out = '';
  let last = 0;
  let i = 0;
  while (i < words.length) {
    const run = readNumber(words, i, text);
    if (run === undefined) {
      i += 1;
      continue;
    }
    out += text.slice(last, words[i].start) + String(run.value);
    last = words[run.next - 1].end;
    i = run.next;
  }
  return out + text.slice(last);
}

/** Reads one number starting at words[i]; `next` is the index after its last word. */
function readNumber(words: readonly Word[], i: number, text: string): { value: number; next: number } | undefined {
  let j = i;
  const startsWithA =
    words[j].text === 'a' &&
    words[j + 1] !== undefined &&
    (words[j + 1].text === 'hundred' || words[j + 1].text in SCALES);
  if (!startsWithA && !isNumberWord(words[j].text)) return undefined;
  if (startsWithA) j += 1;
  let total = 0;
  let current = 0;
  // What the previous word was decides what may follow: "twenty" + "three" is one number, "three three" is not.
  let previous: 'none' | 'unit' | 'teen' | 'tens' | 'hundred' | 'scale' = startsWithA ? 'unit' : 'none';
  if (startsWithA) current = 1;
  for (; j < words.length; j++) {
    const w = words[j].text;
    const gap = text.slice(words[j - 1]?.end ?? words[j].start, words[j].start);
    if (j > i && !/^\s*$/.test(gap)) break;
    if (
      w === 'and' &&
      (previous === 'hundred' || previous === 'scale') &&
      words[j + 1] &&
      isNumberWord(words[j + 1].text)
    )
      continue;
    const compound = w.includes('-') ? w.split('-') : undefined;
    if (compound) {
      if (!(compound.length === 2 && compound[0] in TENS && compound[1] in UNITS && UNITS[compound[1]] < 10)) break;
      if (previous === 'unit' || previous === 'teen' || previous === 'tens') break;
      current += TENS[compound[0]] + UNITS[compound[1]];
      previous = 'unit';
    } else if (w in UNITS) {
      if (previous === 'unit' || previous === 'teen' || (previous === 'tens' && UNITS[w] >= 10)) break;
      current += UNITS[w];
      previous = UNITS[w] >= 10 ? 'teen' : 'unit';
    } else if (w in TENS) {
      if (previous === 'unit' || previous === 'teen' || previous === 'tens') break;
      current += TENS[w];
      previous = 'tens';
    } else if (w === 'hundred') {
      if (previous === 'hundred' || previous === 'none') break;
      current = (current === 0 ? 1 : current) * 100;
      previous = 'hundred';
    } else if (w in SCALES) {
      if (previous === 'none' || previous === 'scale') break;
      total += (current === 0 ? 1 : current) * SCALES[w];
      current = 0;
      previous = 'scale';
    } else if (w === 'point' && previous !== 'none' && words[j + 1]?.text in UNITS) {
      const decimals = readDecimals(words, j + 1);
      return { value: Number(`${total + current}.${decimals.digits}`), next: decimals.next };
    } else {
      break;
    }
  }
  if (previous === 'none') return undefined;
  return { value: total + current, next: j };
}

function readDecimals(words: readonly Word[], from: number): { digits: string; next: number } {
  let digits = '';
  let j = from;
  while (j < words.length && words[j].text in UNITS && UNITS[words[j].text] < 10) {
    digits += String(UNITS[words[j].text]);
    j += 1;
  }
  return { digits, next: j };
}
