/**
 * Dates and times in prompts ("tomorrow at 2 PM", "next Monday", "on March 3rd", "2026-12-01"), read with
 * chrono-node (https://github.com/wanasit/chrono) against an injected reference instant, and written in
 * the calendar's formats: `YYYY-MM-DD` and 24-hour `HH:MM`, in the process's local time zone.
 */
import * as chrono from 'chrono-node';

/** A date/time phrase found in a text. */
export interface When {
  /** `YYYY-MM-DD` of the day meant (today when the phrase names only a time). */
  date: string;
  /** `HH:MM` when the phrase names a time of day ("at 2 PM", "at noon"); otherwise undefined. */
  time?: string;
  /** True when the phrase names the day itself ("tomorrow", "Friday", "March 3rd"), not only a time. */
  dayGiven: boolean;
  /** The phrase as written, and where it sits in the text, so callers can cut it out. */
  text: string;
  index: number;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of a Date in local time. */
export function isoDate(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/**
 * The first date/time phrase in `text`, relative to `now` and preferring the future for ambiguous ones
 * ("Friday" is the coming Friday, "March 3rd" the next March 3rd).
 * @returns undefined when the text names no date or time.
 */
export function findWhen(text: string, now: Date): When | undefined {
  const results = chrono.parse(text, now, { forwardDate: true });
  const first = results[0];
  if (first === undefined) return undefined;
  const start = first.start;
  return {
    date: isoDate(start.date()),
    time: start.isCertain('hour') ? `${pad(start.get('hour') ?? 0)}:${pad(start.get('minute') ?? 0)}` : undefined,
    dayGiven: start.isCertain('day') || start.isCertain('weekday'),
    text: first.text,
    index: first.index,
  };
}
