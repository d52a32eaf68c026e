/**
 * The message service's mailbox, in memory: a few messages already received when the service
 * starts, plus every message sent through it, up to {@link MAX_STORED_MESSAGES}.
 *
 * Bounded by dropping the oldest rather than by refusing new messages: the service lives as long as
 * the lab (across runs, in compose), and a write refused because earlier runs filled the mailbox would
 * be recorded as a failure of the agent that no fault caused.
 */

import { normaliseWriteText, writeIdentity } from '@chaos-lab/common';

/** One message. `sent_at` is ISO-8601 UTC. */
export interface Message {
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly body: string;
  readonly sent_at: string;
}

/**
 * How many messages the mailbox keeps; past it the oldest to arrive is dropped. With the longest
 * fields (200-character recipient, 5000-character body) that is about 5 MB of text at most.
 */
export const MAX_STORED_MESSAGES = 1000;

/** A message waiting in the inbox at start: who sent it, what it says, and how long before start, minutes. */
interface SeedMessage {
  readonly from: string;
  readonly body: string;
  readonly minutesBeforeStart: number;
}

const SEED_MESSAGES: readonly SeedMessage[] = [
  {
    from: 'alice@example.com',
    body: 'Are we still on for lunch on Friday? The new ramen place opens at noon.',
    minutesBeforeStart: 35,
  },
  {
    from: 'ops-bot@example.com',
    body: 'Reminder: the quarterly chaos game day starts Monday at 10:00. Please review the runbook.',
    minutesBeforeStart: 190,
  },
  {
    from: 'bob@example.com',
    body: 'I uploaded the slides for the resilience review. Could you check the latency charts?',
    minutesBeforeStart: 1_440,
  },
  {
    from: 'carol@example.com',
    body: 'Landing in Lisbon at 18:40 tomorrow, will call when I reach the hotel.',
    minutesBeforeStart: 2_900,
  },
];

/**
 * What a sent message writes, for counting duplicate side effects (`GET /writes`): `send_message` to
 * the same recipient with the same body, both compared as normalised text (case, Unicode form and
 * white space aside: `normaliseWriteText`). Two such messages in the mailbox are one message sent twice.
 */
export function messageIdentity(to: string, body: string): string {
  return writeIdentity('send_message', [normaliseWriteText(to), normaliseWriteText(body)]);
}

/** The inbox and outbox of the one user of the lab ("me"). Ids are `msg_1`, `msg_2`, … and never reused. */
export class Mailbox {
  /** In order of arrival: the first is the next to drop. */
  private readonly messages: Message[] = [];
  private arrived = 0;

  /**
   * @param startMs the service's start time, ms since the epoch; seeded messages are dated before it
   * @param capacity how many messages are kept (default {@link MAX_STORED_MESSAGES})
   */
  constructor(
    startMs: number,
    private readonly capacity = MAX_STORED_MESSAGES,
  ) {
    for (const seed of [...SEED_MESSAGES].sort((a, b) => b.minutesBeforeStart - a.minutesBeforeStart)) {
      this.append({
        from: seed.from,
        to: 'me',
        body: seed.body,
        sent_at: new Date(startMs - seed.minutesBeforeStart * 60_000).toISOString(),
      });
    }
  }

  /** Sends a message from "me" at `atMs` and returns it; the oldest message goes when the mailbox is full. */
  send(to: string, body: string, atMs: number): Message {
    return this.append({ from: 'me', to, body, sent_at: new Date(atMs).toISOString() });
  }

  /** Every message kept, newest first (by time, then by id). */
  inbox(): Message[] {
    const order = (m: Message) => Number(m.id.slice('msg_'.length));
    return [...this.messages].sort((a, b) => b.sent_at.localeCompare(a.sent_at) || order(b) - order(a));
  }

  private append(fields: Omit<Message, 'id'>): Message {
    this.arrived += 1;
    const message: Message = { id: `msg_${this.arrived}`, ...fields };
    this.messages.push(message);
    if (this.messages.length > this.capacity) this.messages.shift();
    return message;
  }
}
