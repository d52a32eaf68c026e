/**
 * Splits a prompt that asks several things into clauses, one request each: "What's the weather in Paris
 * and translate 'good morning' into French" → two clauses. It cuts at sentence ends, commas, "and",
 * "then", "also", "plus" (never inside quotes), then glues back every piece that asks for nothing on its
 * own ("Search for rock" + "roll" → "Search for rock and roll"), so only real requests stand alone.
 */
import { detectIntent, type Intent } from './intents.js';
import { maskQuotes, quotesIn } from './text.js';

/** One request of the prompt. */
export interface Clause {
  /** The clause with quotes masked (see text.ts), for routing and extraction. */
  masked: string;
  /** The quotes that belong to this clause, in order. */
  quotes: string[];
  intent: Intent;
}

const CUT =
  /(?<=[.!?;])\s+|\s*,\s+(?:(?:and\s+then|and\s+also|and|then|also|plus)\s+)?|\s+(?:and\s+then|and\s+also|and|then|also|plus|as\s+well\s+as)\s+/gi;
const NUMBER_BEFORE =
  /(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|teen|ty|hundred|thousand|million|billion))$/i;
const NUMBER_AFTER =
  /^(?:-?\d|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a\s+hundred)\b)/i;

interface Piece {
  start: number;
  end: number;
  intent?: Intent;
  opensRequest: boolean;
  /** Cut from the text before by "then", "also" or a sentence end: a new step, never a message body. */
  afterStep: boolean;
}

/**
 * Cuts `prompt` into clauses. Lists of numbers are never cut ("one hundred and five", "3, 4 and 5").
 * Pieces without an intent join the piece before them (leading ones join the next); a piece after a
 * message clause with an open body ("saying …") joins that body unless it opens a request of its own or
 * follows "then"/"also"/a full stop ("… saying the film was great" stays one clause; "…, then check my
 * inbox" does not).
 */
export function splitClauses(prompt: string): Clause[] {
  const masked = maskQuotes(prompt);
  const text = masked.text;
  const pieces: Piece[] = [];
  let last = 0;
  let afterStep = false;
  for (const cut of text.matchAll(CUT)) {
    const between =
      !/[.!?;]/.test(cut[0]) &&
      NUMBER_BEFORE.test(text.slice(0, cut.index)) &&
      NUMBER_AFTER.test(text.slice(cut.index + cut[0].length));
    if (between || cut.index <= last) continue;
    pieces.push(piece(text, last, cut.index, afterStep));
    afterStep = /[.!?;]|\b(?:then|also|plus)\b/i.test(cut[0]);
    last = cut.index + cut[0].length;
  }
  if (last < text.length) pieces.push(piece(text, last, text.length, afterStep));

  const merged: Array<Piece & { intent: Intent }> = [];
  let pending: Piece | undefined;
  for (const p of pieces) {
    const current = pending === undefined ? p : piece(text, pending.start, p.end, pending.afterStep);
    pending = undefined;
    const previous = merged.at(-1);
    const joinsPrevious =
      previous !== undefined &&
      (current.intent === undefined ||
        (previous.intent === 'send_message' &&
          !current.opensRequest &&
          !current.afterStep &&
          opensBody(text, previous)));
    if (joinsPrevious) merged[merged.length - 1] = { ...previous, end: current.end };
    else if (current.intent === undefined) pending = current;
    else merged.push({ ...current, intent: current.intent });
  }
  return merged.map((p) => {
    const clauseText = text.slice(p.start, p.end);
    return { masked: clauseText, quotes: quotesIn(clauseText, masked.quotes), intent: p.intent };
  });
}

function piece(text: string, start: number, end: number, afterStep: boolean): Piece {
  const detection = detectIntent(text.slice(start, end));
  return { start, end, intent: detection?.intent, opensRequest: detection?.opensRequest ?? false, afterStep };
}

/** True when a message clause ends in an open body ("saying …", "that …", ": …") that may run on. */
function opensBody(text: string, p: Piece): boolean {
  return /\b(?:saying|says|that|telling|to\s+say|with\s+the\s+(?:text|message|body))\b|:/i.test(
    text.slice(p.start, p.end),
  );
}
