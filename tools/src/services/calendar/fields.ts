/**
 * The calendar's date and time fields: real calendar dates as `YYYY-MM-DD` (so `2026-02-30` and
 * `2025-02-29` are refused) and times of day as `HH:MM` from 00:00 to 23:59 (`9:05` is accepted and
 * written back as `09:05`).
 */
import { z } from 'zod';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** True when year-month-day is a date of the proleptic Gregorian calendar (leap years included). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** A required `YYYY-MM-DD` string naming a real date; the output is the same string. */
export const calendarDate = z.string().transform((text, ctx) => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
    ctx.addIssue({ code: 'custom', message: 'must be a real calendar date as YYYY-MM-DD' });
    return z.NEVER;
  }
  return text.trim();
});

/** A required `HH:MM` time of day (24-hour clock); the output is zero-padded `HH:MM`. */
export const timeOfDay = z.string().transform((text, ctx) => {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  const hour = m ? Number(m[1]) : NaN;
  const minute = m ? Number(m[2]) : NaN;
  if (!(hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59)) {
    ctx.addIssue({ code: 'custom', message: 'must be a time of day as HH:MM, from 00:00 to 23:59' });
    return z.NEVER;
  }
  return `${String(hour).padStart(2, '0')}:${m?.[2]}`;
});
