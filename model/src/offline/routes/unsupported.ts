/**
 * Requests none of the ten tools can serve (the time now, unit and currency conversions, alarms, music,
 * orders; recognised in intents.ts): the answer says so, so the prompt is recorded unhandled
 * instead of being answered with web results about something else.
 */
import { COURTESY, squash, trimPunctuation, unmask } from '../text.js';
import { note, type Route } from './route.js';

/** What the user asked for, in a few words, for the sentence. */
function what(sentence: string): string {
  if (/\b(?:time|date|day)\b/i.test(sentence) && !/\bconvert\b/i.test(sentence)) return 'tell the time or the date';
  if (/\b(?:alarm|timer)\b/i.test(sentence)) return 'set alarms or timers';
  if (/\bplay\b/i.test(sentence)) return 'play music';
  if (/\border\b/i.test(sentence)) return 'order things';
  return 'convert units or currencies';
}

/** Routes unsupported requests to a note saying what the model cannot do. */
export const unsupportedRoute: Route = {
  intent: 'unsupported',
  plan(clause, ctx) {
    const sentence = trimPunctuation(squash(unmask(clause.masked, clause.quotes, (q) => q)).replace(COURTESY, ''));
    ctx.add(note(`I could not answer "${sentence}": none of my tools can ${what(sentence)}.`));
  },
};
