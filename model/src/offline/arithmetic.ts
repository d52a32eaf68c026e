/**
 * Finds the arithmetic in a sentence and writes it as a mathjs expression for the calculator:
 * "Calculate the result of 15 * 23 + 47" → "15 * 23 + 47", "fifteen times twenty-three" → "15 * 23",
 * "what is 20% of 150" → "20 / 100 * 150", "an 18% tip on a $64.50 bill" → "64.50 * 18 / 100",
 * "square root of 16" → "sqrt(16)", "2 to the power of 10" → "2^10".
 * The expression is only extracted here; the calculator service evaluates it.
 */
import { numberWordsToDigits } from './numbers.js';

const NUM = String.raw`-?\d+(?:\.\d+)?`;
const LIST = String.raw`(${NUM}(?:\s*(?:,|and|,\s*and)\s*${NUM})+)`;

const listItems = (list: string): string[] => list.split(/\s*(?:,\s*and|,|and)\s*/).filter((x) => x !== '');

/**
 * Phrase rewrites applied in order on lower-cased text with digits: each turns a way of saying an operation
 * into mathjs syntax. Percent becomes "/ 100" because mathjs reads "%" as modulo between operands.
 */
const REWRITES: ReadonlyArray<[RegExp, string | ((...m: string[]) => string)]> = [
  [/(\d)\s*,\s*(\d{3})(?!\d)/g, '$1$2'],
  // Amounts of money: the currency sign is not part of the number ("$64.50" → "64.50").
  [/[$€£¥](?=\s*\d)|(?<=\d)\s*(?:dollars?|euros?|pounds?|bucks)\b/g, ''],
  // "an 18% tip on a 64.50 bill", "a 15 percent discount on 80": the share of the amount.
  [
    new RegExp(
      String.raw`(${NUM})\s*(?:%|percent|per cent)\s+(?:tip|gratuity|tax|vat|service\s+charge|commission|discount|share|cut|interest)\s+(?:on|of|for)\s+(?:an?\s+|the\s+|my\s+)?(?:bill\s+of\s+|total\s+of\s+)?(${NUM})`,
      'g',
    ),
    '$2 * $1 / 100',
  ],
  // "the tip on 50 at 20 percent"
  [
    new RegExp(
      String.raw`\b(?:tip|gratuity|tax|vat|discount)\s+(?:on|of|for)\s+(?:an?\s+|the\s+|my\s+)?(?:bill\s+of\s+)?(${NUM})\s+(?:at|with)\s+(${NUM})\s*(?:%|percent|per cent)`,
      'g',
    ),
    '$1 * $2 / 100',
  ],
  // "a tip of 18% on 64.50"
  [
    new RegExp(
      String.raw`\b(?:tip|gratuity|tax|discount)\s+of\s+(${NUM})\s*(?:%|percent|per cent)\s+(?:on|of|for)\s+(?:an?\s+|the\s+|my\s+)?(${NUM})`,
      'g',
    ),
    '$2 * $1 / 100',
  ],
  // "split a 90 bill between 4 people": each one's share.
  [
    new RegExp(
      String.raw`\b(?:split|divide|share)\s+(?:an?\s+|the\s+)?(${NUM})\s*(?:[a-z]+\s+)?(?:bill|check|cost|total|tab)?\s*(?:between|among|amongst|by|in)\s+(${NUM})`,
      'g',
    ),
    '$1 / $2',
  ],
  // "15% off 80": the price after the discount.
  [
    new RegExp(String.raw`(${NUM})\s*(?:%|percent|per cent)\s+off\s+(?:of\s+)?(?:an?\s+|the\s+)?(${NUM})`, 'g'),
    '$2 - $2 * $1 / 100',
  ],
  [new RegExp(String.raw`(${NUM})\s*(?:%|percent|per cent)\s+of\s+`, 'g'), '$1 / 100 * '],
  [new RegExp(String.raw`(${NUM})\s*(?:%|percent|per cent)`, 'g'), '($1 / 100)'],
  [new RegExp(String.raw`\b(?:the\s+)?square\s+root\s+of\s+(${NUM})`, 'g'), 'sqrt($1)'],
  [new RegExp(String.raw`\b(?:the\s+)?cube\s+root\s+of\s+(${NUM})`, 'g'), 'cbrt($1)'],
  [new RegExp(String.raw`\b(?:the\s+)?factorial\s+of\s+(${NUM})`, 'g'), '$1!'],
  [/(\d)\s+factorial\b/g, '$1!'],
  [/(\d)\s+squared\b/g, '$1^2'],
  [/(\d)\s+cubed\b/g, '$1^3'],
  [new RegExp(String.raw`\b(?:the\s+)?(?:sum|total)\s+of\s+${LIST}`, 'g'), (_m, l) => `(${listItems(l).join(' + ')})`],
  [new RegExp(String.raw`\badd(?:\s+up)?\s+${LIST}`, 'g'), (_m, l) => `(${listItems(l).join(' + ')})`],
  [new RegExp(String.raw`\badd\s+(${NUM})\s+to\s+(${NUM})`, 'g'), '($2 + $1)'],
  [new RegExp(String.raw`\b(?:the\s+)?product\s+of\s+${LIST}`, 'g'), (_m, l) => `(${listItems(l).join(' * ')})`],
  [new RegExp(String.raw`\bmultiply\s+(${NUM})\s+(?:by|and|with)\s+(${NUM})`, 'g'), '($1 * $2)'],
  [new RegExp(String.raw`\b(?:the\s+)?difference\s+between\s+(${NUM})\s+and\s+(${NUM})`, 'g'), '($1 - $2)'],
  [new RegExp(String.raw`\b(?:subtract|take)\s+(${NUM})\s+from\s+(${NUM})`, 'g'), '($2 - $1)'],
  [new RegExp(String.raw`\bdivide\s+(${NUM})\s+by\s+(${NUM})`, 'g'), '($1 / $2)'],
  [
    new RegExp(String.raw`\b(?:the\s+)?(?:average|mean)\s+of\s+${LIST}`, 'g'),
    (_m, l) => {
      const items = listItems(l);
      return `(${items.join(' + ')}) / ${items.length}`;
    },
  ],
  [new RegExp(String.raw`\bhalf\s+of\s+(${NUM})`, 'g'), '($1 / 2)'],
  [new RegExp(String.raw`\b(?:double|twice)\s+(${NUM})`, 'g'), '(2 * $1)'],
  [/\bmultiplied\s+by\b|\btimes\b|(?<=\d\s*)[x×](?=\s*[\d(])/g, '*'],
  [/\bdivided\s+by\b|\bover\b|÷/g, '/'],
  [/\bplus\b/g, '+'],
  [/\bminus\b|\btake\s+away\b|[−–]/g, '-'],
  [/\bto\s+the\s+power\s+of\b|\braised\s+to(?:\s+the\s+power\s+of)?\b|\*\*/g, '^'],
  [/\bmodulo\b/g, 'mod'],
  // Dates and clock times look like subtraction and ratios; break them so they are never taken as math.
  [/\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b/g, ' § '],
];

const FUNCTIONS = ['sqrt', 'cbrt', 'abs', 'log10', 'log', 'exp', 'sin', 'cos', 'tan', 'round', 'floor', 'ceil'];
const TOKEN = new RegExp(String.raw`\d+(?:\.\d+)?|\.\d+|\b(?:${FUNCTIONS.join('|')}|pi|mod)\b|[-+*/^()!]|\S+`, 'g');
const OPERATORS = new Set(['+', '-', '*', '/', '^', 'mod']);

type Token = { text: string; kind: 'number' | 'operator' | 'function' | 'open' | 'close' | 'bang' | 'other' };

function kindOf(text: string): Token['kind'] {
  if (/^(?:\d|\.\d)/.test(text) || text === 'pi') return 'number';
  if (OPERATORS.has(text)) return 'operator';
  if (FUNCTIONS.includes(text)) return 'function';
  if (text === '(') return 'open';
  if (text === ')') return 'close';
  if (text === '!') return 'bang';
  return 'other';
}

/**
 * The arithmetic expression in `text`, in mathjs syntax with spaced binary operators, or `undefined` when
 * the text holds no operation (a lone number, as in "page 2" or "radius 5", is not a calculation).
 */
export function extractExpression(text: string): string | undefined {
  let t = numberWordsToDigits(text).toLowerCase();
  for (const [pattern, replacement] of REWRITES) {
    t =
      typeof replacement === 'string'
        ? t.replace(pattern, replacement)
        : t.replace(pattern, replacement as (...m: string[]) => string);
  }
  const tokens = (t.match(TOKEN) ?? []).map((text) => ({ text, kind: kindOf(text) }));
  let best: Token[] | undefined;
  let run: Token[] = [];
  for (const token of [...tokens, { text: '', kind: 'other' as const }]) {
    if (token.kind !== 'other') {
      run.push(token);
      continue;
    }
    const candidate = tidy(run);
    run = [];
    if (candidate === undefined) continue;
    if (!candidate.some((x) => x.kind === 'operator' || x.kind === 'function' || x.kind === 'bang')) continue;
    if (best === undefined || candidate.length > best.length) best = candidate;
  }
  return best === undefined ? undefined : format(best);
}

/**
 * The numbers of `text` that `expression` leaves out ("the tip on 50 at 20%" read as "20 / 100" leaves
 * out 50): a calculation that ignores a number of the question does not answer it. Dates and clock
 * times are not numbers here; number words count ("fifteen" is 15).
 * @returns the missing numbers as written in digits, in text order, without repeats
 */
export function numbersLeftOut(text: string, expression: string): string[] {
  const plain = numberWordsToDigits(text)
    .toLowerCase()
    .replace(/(\d)\s*,\s*(\d{3})(?!\d)/g, '$1$2')
    .replace(/\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\b\d{1,2}\s*(?:am|pm)\b/g, ' ');
  const used = new Set((expression.match(/\d+(?:\.\d+)?|\.\d+/g) ?? []).map(Number));
  const found = plain.match(/\d+(?:\.\d+)?|\.\d+/g) ?? [];
  return [...new Set(found.filter((n) => !used.has(Number(n))))];
}

/** True when `text` contains arithmetic with at least one operation. */
export function hasArithmetic(text: string): boolean {
  return extractExpression(text) !== undefined;
}

/** Trims a run of math tokens to a well-formed expression, or `undefined` when none is left. */
function tidy(run: Token[]): Token[] | undefined {
  let start = 0;
  let end = run.length;
  while (
    start < end &&
    (run[start].kind === 'close' ||
      run[start].kind === 'bang' ||
      (run[start].kind === 'operator' && run[start].text !== '-'))
  )
    start += 1;
  while (
    end > start &&
    (run[end - 1].kind === 'operator' || run[end - 1].kind === 'open' || run[end - 1].kind === 'function')
  )
    end -= 1;
  const tokens = run.slice(start, end);
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === 'open') depth += 1;
    if (token.kind === 'close') depth -= 1;
    if (depth < 0) return undefined;
  }
  if (depth !== 0 || !tokens.some((x) => x.kind === 'number')) return undefined;
  return wrapsWhole(tokens) ? tokens.slice(1, -1) : tokens;
}

/** True when the first "(" closes at the last token, so the outer parentheses add nothing. */
function wrapsWhole(tokens: readonly Token[]): boolean {
  if (tokens[0]?.kind !== 'open') return false;
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind === 'open') depth += 1;
    if (tokens[i].kind === 'close') depth -= 1;
    if (depth === 0) return i === tokens.length - 1;
  }
  return false;
}

function format(tokens: readonly Token[]): string {
  let out = '';
  let previousUnary = false;
  tokens.forEach((token, i) => {
    const prev = tokens[i - 1];
    const tight =
      prev === undefined ||
      previousUnary ||
      prev.kind === 'open' ||
      prev.kind === 'function' ||
      token.kind === 'close' ||
      token.kind === 'bang' ||
      token.text === '^' ||
      prev.text === '^';
    out += (tight ? '' : ' ') + token.text;
    previousUnary = token.text === '-' && (prev === undefined || prev.kind === 'operator' || prev.kind === 'open');
  });
  return out;
}
