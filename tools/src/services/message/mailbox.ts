/**
 * The message service's mailbox, in memory: a few messages already received when the service
 * starts, plus every message sent through it.
 */

/** One message. `sent_at` is ISO-8601 UTC. */
export interface Message {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly sent_at: string;
}

/** A message waiting in the inbox at start: who sent it, what it says, and how long before start, minutes. */
interface SeedMessage {
  readonly from: string;
  readonly body: string;
  readonly minutesBeforeStart: number;
}

const SEED_MESSAGES: readonly SeedMessage[] = [
  { from: 'alice@example.com', body: 'Are we still on for lunch on Friday? The new ramen place opens at noon.', minutesBeforeStart: 35 },
  { from: 'ops-bot@example.com', body: 'Reminder: the quarterly chaos game day starts Monday at 10:00. Please review the runbook.', minutesBeforeStart: 190 },
  { from: 'bob@example.com', body: 'I uploaded the slides for the resilience review. Could you check the latency charts?', minutesBeforeStart: 1_440 },
  { from: 'carol@example.com', body: 'Landing in Lisbon at 18:40 tomorrow, will call when I reach the hotel.', minutesBeforeStart: 2_900 },
];

/** The inbox and outbox of the one user of the lab ("me"). Ids are `msg_1`, `msg_2`, … */
export class Mailbox {
  private readonly messages: Message[] = [];

  /** @param startMs the service's start time, ms since the epoch; seeded messages are dated before it */
  constructor(startMs: number) {
    for (const seed of [...SEED_MESSAGES].sort((a, b) => b.minutesBeforeStart - a.minutesBeforeStart)) {
      this.append({ from: seed.from, to: 'me', body: seed.body, sent_at: new Date(startMs - seed.minutesBeforeStart * 60_000).toISOString() });
    }
  }

  /** Sends a message from "me" at `atMs` and returns it. */
  send(to: string, body: string, atMs: number): Message {
    return this.append({ from: 'me', to, body, sent_at: new Date(atMs).toISOString() });
  }

  /** Every message, newest first (by time, then by id). */
  inbox(): Message[] {
    const order = (m: Message) => Number(m.id.slice('msg_'.length));
    return [...this.messages].sort((a, b) => b.sent_at.localeCompare(a.sent_at) || order(b) - order(a));
  }

  private append(fields: Omit<Message, 'id'>): Message {
    const message: Message = { id: `msg_${this.messages.length + 1}`, ...fields };
    this.messages.push(message);
    return message;
  }
}
