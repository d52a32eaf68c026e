/**
 * The calendar's events, in memory: the service is a mock whose state lasts as long as its process.
 */

/** One calendar event. `time` is `HH:MM`, `date` is `YYYY-MM-DD`. */
export interface CalendarEvent {
  readonly id: string;
  readonly title: string;
  readonly date: string;
  readonly time: string;
}

/** The events of one calendar, by date. Ids are `evt_1`, `evt_2`, … in order of creation. */
export class EventStore {
  private readonly byDate = new Map<string, CalendarEvent[]>();
  private created = 0;

  /** The events of `date`, sorted by time, then by creation. */
  eventsOn(date: string): CalendarEvent[] {
    return [...(this.byDate.get(date) ?? [])].sort((a, b) => a.time.localeCompare(b.time) || idNumber(a) - idNumber(b));
  }

  /** Adds an event and returns it with its new id. */
  add(input: Omit<CalendarEvent, 'id'>): CalendarEvent {
    this.created += 1;
    const event: CalendarEvent = { id: `evt_${this.created}`, ...input };
    const list = this.byDate.get(input.date) ?? [];
    list.push(event);
    this.byDate.set(input.date, list);
    return event;
  }

  /** Deletes every event of `date`; returns how many there were. */
  deleteOn(date: string): number {
    const count = this.byDate.get(date)?.length ?? 0;
    this.byDate.delete(date);
    return count;
  }
}

function idNumber(event: CalendarEvent): number {
  return Number(event.id.slice('evt_'.length));
}
