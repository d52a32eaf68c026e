/**
 * The calendar's events, in memory: the service is a mock whose state lasts as long as its process,
 * up to {@link MAX_STORED_EVENTS} events.
 *
 * Bounded by dropping the oldest event rather than by refusing new ones: the service lives as long as
 * the lab (across runs, in compose), and an event refused because earlier runs filled the calendar
 * would be recorded as a failure of the agent that no fault caused.
 */

import { normaliseWriteText, writeIdentity } from '@chaos-lab/common';

/** One calendar event. `time` is `HH:MM`, `date` is `YYYY-MM-DD`. */
export interface CalendarEvent {
  readonly id: string;
  readonly title: string;
  readonly date: string;
  readonly time: string;
}

/** How many events the calendar keeps, over all dates; past it the oldest created is dropped. */
export const MAX_STORED_EVENTS = 1000;

/**
 * What a write to the calendar writes, for counting duplicate side effects (`GET /writes`):
 * `add_event` of the same title (normalised text: case, Unicode form and white space aside:
 * `normaliseWriteText`) on the same date at the same time (both already canonical); `delete_events` of
 * the same date. Two such events on the calendar are one event added twice.
 */
export const calendarIdentity = {
  addEvent: (event: Omit<CalendarEvent, 'id'>): string =>
    writeIdentity('add_event', [normaliseWriteText(event.title), event.date, event.time]),
  deleteEvents: (date: string): string => writeIdentity('delete_events', [date]),
};

/** The events of one calendar, by date. Ids are `evt_1`, `evt_2`, … in order of creation, never reused. */
export class EventStore {
  private readonly byDate = new Map<string, CalendarEvent[]>();
  /** Every stored event's id → date, oldest first (a Map keeps insertion order): the first is the next to drop. */
  private readonly created = new Map<string, string>();
  private count = 0;

  /** @param capacity how many events are kept (default {@link MAX_STORED_EVENTS}) */
  constructor(private readonly capacity = MAX_STORED_EVENTS) {}

  /** The events of `date`, sorted by time, then by creation. */
  eventsOn(date: string): CalendarEvent[] {
    return [...(this.byDate.get(date) ?? [])].sort((a, b) => a.time.localeCompare(b.time) || idNumber(a) - idNumber(b));
  }

  /** Adds an event and returns it with its new id; the oldest event goes when the calendar is full. */
  add(input: Omit<CalendarEvent, 'id'>): CalendarEvent {
    this.count += 1;
    const event: CalendarEvent = { id: `evt_${this.count}`, ...input };
    const list = this.byDate.get(input.date) ?? [];
    list.push(event);
    this.byDate.set(input.date, list);
    this.created.set(event.id, event.date);
    if (this.created.size > this.capacity) this.dropOldest();
    return event;
  }

  /** Deletes every event of `date`; returns how many there were. */
  deleteOn(date: string): number {
    const events = this.byDate.get(date) ?? [];
    for (const event of events) this.created.delete(event.id);
    this.byDate.delete(date);
    return events.length;
  }

  private dropOldest(): void {
    const [id, date] = this.created.entries().next().value!;
    this.created.delete(id);
    const rest = this.byDate.get(date)!.filter((e) => e.id !== id);
    if (rest.length > 0) this.byDate.set(date, rest);
    else this.byDate.delete(date);
  }
}

function idNumber(event: CalendarEvent): number {
  return Number(event.id.slice('evt_'.length));
}
