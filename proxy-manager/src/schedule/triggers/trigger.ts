/**
 * What a trigger kind is (one kind per file in this folder, registered in `registry.ts`): given an
 * event the fault schedule sees (a chaos tick, or an announced tool call attempt), whether an idle
 * slot (one fault on one target) fires now and for how long, and whether an active one ends now.
 *
 *   event ──► counters updated (calls and attempts per tool) ──► per slot: active? end(…) : fire(…)
 *
 * Durations are enforced by the schedule (a timer at the end, and any event seen past it); `end` only
 * says what else ends a slot.
 */
import type { Random, Trigger } from '@chaos-lab/common';

/** What the schedule saw: a chaos tick, or a tool call attempt announced before its first byte. */
export type ScheduleEvent =
  | { readonly kind: 'tick'; readonly now: number; readonly currentPrompt: number | null }
  | {
      readonly kind: 'call';
      readonly now: number;
      /** 0-based `prompt_index`. */
      readonly promptIndex: number;
      readonly tool: string;
      readonly callId: string;
      /** 1-based; the direct fallback is TOOL_LIMIT + 1. */
      readonly attempt: number;
    };

/** An announced attempt (the `call` event's fields). */
export type AnnouncedAttempt = Omit<Extract<ScheduleEvent, { kind: 'call' }>, 'kind' | 'now'>;

/** An announced attempt's end, as its announcer reported it. */
export interface AttemptEnded extends AnnouncedAttempt {
  /** False when the attempt was not sent after all (the prompt's deadline came first). */
  readonly sent: boolean;
  /** True when another attempt of the same call may follow (it failed and attempts are left). */
  readonly more: boolean;
}

/** The run's counters, updated before the triggers see a call event. */
export interface RunCounters {
  /** When the run started (`runs.started_at`), ms since the epoch. */
  readonly runStartedAt: number;
  /** Logical calls announced per tool (a call counts at its first attempt). */
  readonly callsByTool: Map<string, number>;
  /** Attempts announced per tool. */
  readonly attemptsByTool: Map<string, number>;
  /** Attempts announced, every tool. */
  attempts: number;
}

/** One slot's trigger state, kept by the schedule. */
export interface SlotState {
  /** Times it fired in this run. */
  fired: number;
  /** Set by `fire` for `end` to read: the call or prompt it fired for. */
  callId?: string;
  promptIndex?: number;
  /** Set by `fire` of a per-attempt trigger: the attempt it fired for. */
  attempt?: number;
}

/**
 * A decision to fire: how long, and what fired it. Its duration is `durationMs` from the moment the fault
 * is in place, or ends at `endsAt` (ms since the epoch) for a trigger whose end is a moment; neither:
 * until `end` says so or the run ends. A duration ended is `ended_by` `duration`, whichever the schedule
 * sees first: its timer, or an event at or past the end (a timer late on a loaded machine).
 */
export interface Firing {
  readonly durationMs?: number;
  readonly endsAt?: number;
  readonly detail: Readonly<Record<string, unknown>>;
}

/** A trigger kind. */
export interface TriggerKind<T extends Trigger = Trigger> {
  /** Whether an idle slot fires on this event. `random` is the run's plan source (one draw per slot per tick). */
  fire(trigger: T, state: SlotState, event: ScheduleEvent, counters: RunCounters, random: Random): Firing | undefined;
  /** Why an active slot ends on this event (before the announced attempt is acknowledged), or undefined. */
  end(trigger: T, state: SlotState, event: ScheduleEvent, counters: RunCounters): string | undefined;
  /**
   * For a kind that fires in place (`attempt-holds.ts`): whether `attempt`, announced while the slot is
   * in place, is one the fault is for (called before it is counted). The others of its service are
   * held until the fault is removed. Absent: the kind holds nothing.
   */
  names?(trigger: T, state: SlotState, attempt: AnnouncedAttempt, counters: RunCounters): boolean;
  /** Whether this trigger holds (default: when `names` exists), e.g. `random` only with a `tool`. */
  holds?(trigger: T): boolean;
  /**
   * Why the slot ends now that `ended`, an attempt it named, has ended (it is removed once no reported
   * attempt is in flight on its service), or undefined.
   */
  done?(trigger: T, state: SlotState, ended: AttemptEnded, counters: RunCounters): string | undefined;
  /** Why the slot ends (once its service is quiet) because it holds `attempt` back, or undefined. */
  held?(trigger: T, state: SlotState, attempt: AnnouncedAttempt): string | undefined;
}

/** The prompt an event is about: the announced call's, or the tick's current prompt. */
export function eventPrompt(event: ScheduleEvent): number | null {
  return event.kind === 'call' ? event.promptIndex : event.currentPrompt;
}
