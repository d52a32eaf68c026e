/**
 * The calendar: reading a day (`get_events`), adding an event (`add_event`) and clearing a day
 * (`delete_events`). Dates and times come from chrono-node (dates.ts); a clause that names no day uses
 * the day of the calendar clause before it ("Clear Friday and add 'Planning' at 10am"). Dates are read
 * from the masked clause, so a quoted title like 'May Day' is never taken for a date.
 */
import { findWhen, isoDate, type When } from '../dates.js';
import type { Clause } from '../clauses.js';
import { COURTESY, capitalize, counted, listProse, squash, trimPunctuation } from '../text.js';
import { note, record, records, singleCall, text, unreadable, type Route, type RouteContext } from './route.js';

/** The time used when an event is given a day but no time of day. */
const DEFAULT_EVENT_TIME = '09:00';

/**
 * The day a clause means: the day it names, else the day of the calendar clause before it, else the day
 * its time alone points to ("at 10am": today, or tomorrow once 10am has passed).
 */
function dayOf(when: When | undefined, ctx: RouteContext): string | undefined {
  return (when?.dayGiven ? when.date : undefined) ?? ctx.calendarDate ?? when?.date;
}

/** Routes "what's on my calendar tomorrow?" to `get_events({date})` (today when no day is named). */
export const eventsRoute: Route = {
  intent: 'events',
  plan(clause, ctx) {
    const date = dayOf(findWhen(clause.masked, ctx.now), ctx) ?? isoDate(ctx.now);
    ctx.calendarDate = date;
    ctx.add(
      singleCall({
        tool: 'get_events',
        args: { date },
        describe: (args) => `read your calendar for ${String(args.date)}`,
        answer: (args, data) => {
          const events = records(record(data)?.events);
          if (events === undefined) return unreadable('calendar', data);
          const day = text(record(data)?.date) ?? String(args.date);
          if (events.length === 0) return `You have nothing on your calendar on ${day}.`;
          const items = events.map((e) => `"${text(e.title) ?? 'untitled'}" at ${text(e.time) ?? 'an unknown time'}`);
          return `You have ${counted(events.length, 'event')} on ${day}: ${listProse(items)}.`;
        },
      }),
    );
  },
};

/** Routes "clear my calendar for Friday" to `delete_events({date})`; it never guesses the day. */
export const deleteEventsRoute: Route = {
  intent: 'delete_events',
  plan(clause, ctx) {
    const date = dayOf(findWhen(clause.masked, ctx.now), ctx);
    if (date === undefined) {
      ctx.add(note('I did not delete any events: please tell me which day to clear.'));
      return;
    }
    ctx.calendarDate = date;
    ctx.add(
      singleCall({
        tool: 'delete_events',
        args: { date },
        describe: (args) => `delete the events on ${String(args.date)}`,
        answer: (args, data) => {
          const deleted = record(data)?.deleted;
          if (typeof deleted !== 'number') return unreadable('calendar', data);
          const day = text(record(data)?.date) ?? String(args.date);
          return deleted === 0
            ? `There was nothing to delete on ${day}.`
            : `Deleted ${counted(deleted, 'event')} on ${day}.`;
        },
      }),
    );
  },
};

const CALENDAR_PLACE =
  /\b(?:to|on|in|into|onto|from)\s+(?:my|the|our)\s+(?:calendar|schedule|agenda|diary|planner)\b|\b(?:my|the|our)\s+(?:calendar|schedule|agenda|diary|planner)\b/gi;
const NAMED = /\b(?:titled|entitled|called|named|with\s+the\s+title|title\s*:|subject\s*:)\s*(.+)$/i;
const VERB =
  /^(?:add|schedule|create|put|book|set\s+up|plan|arrange|insert|make|remind\s+me(?:\s+(?:to|about|of))?)\s+/i;
const GENERIC_EVENT =
  /^(?:an?\s+|the\s+)?(?:new\s+)?(?:calendar\s+)?(?:event|entry|reminder)\b\s*(?:for|about|to|of)?\s*/i;
const EDGE_WORDS =
  /^(?:(?:an?|the|for|on|at|in|to|by|from|about|of)\s+)+|(?:\s+(?:for|on|at|in|to|by|from|about|of|please))+$/gi;

/**
 * The title of an event: the quote when there is one, else the words after "titled/called", else what is
 * left of the clause without its verb, date phrase and calendar words ("Schedule a dentist appointment
 * tomorrow at 3pm" → "Dentist appointment").
 */
function eventTitle(clause: Clause, when: When | undefined): string {
  if (clause.quotes.length > 0) return clause.quotes[0];
  let rest = clause.masked;
  if (when !== undefined) rest = `${rest.slice(0, when.index)} ${rest.slice(when.index + when.text.length)}`;
  rest = squash(rest.replace(CALENDAR_PLACE, ' '));
  const named = rest.match(NAMED);
  if (named !== null) rest = named[1];
  else rest = rest.replace(COURTESY, '').replace(VERB, '').replace(GENERIC_EVENT, '');
  return capitalize(trimPunctuation(squash(rest).replace(EDGE_WORDS, '')));
}

/** Routes "add … titled 'Team Meeting' tomorrow at 2 PM" to `add_event({title, date, time})`. */
export const addEventRoute: Route = {
  intent: 'add_event',
  plan(clause, ctx) {
    const when = findWhen(clause.masked, ctx.now);
    const title = eventTitle(clause, when);
    const date = dayOf(when, ctx);
    if (title === '') {
      ctx.add(note('I did not add an event: please give it a title.'));
      return;
    }
    if (date === undefined) {
      ctx.add(note(`I did not add "${title}" to your calendar: please tell me the day and time.`));
      return;
    }
    ctx.calendarDate = date;
    const time = when?.time ?? DEFAULT_EVENT_TIME;
    const chosenTime = when?.time === undefined;
    ctx.add(
      singleCall({
        tool: 'add_event',
        args: { title, date, time },
        describe: (args) => `add "${String(args.title)}" to your calendar`,
        answer: (args, data) => {
          const event = record(record(data)?.event);
          if (event === undefined) return unreadable('calendar', data);
          const added = `Added "${text(event.title) ?? String(args.title)}" on ${text(event.date) ?? String(args.date)} at ${text(event.time) ?? String(args.time)}.`;
          return chosenTime ? `${added} You gave no time, so I chose ${DEFAULT_EVENT_TIME}.` : added;
        },
      }),
    );
  },
};
