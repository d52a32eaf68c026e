/**
 * `first_attempts`: the run's first K attempts (of `tool`, or of every tool) meet the fault: it fires
 * at the first event of the run (a chaos tick, or the first announced attempt, in place) and ends
 * before attempt K + 1 is acknowledged. Without `tool` it counts tool attempts only: the model
 * gateway's requests (`model`) count only when `tool` is `model`. With an agent that reports its
 * attempts' ends (`attempt-holds.ts`), it names those K attempts: later ones to the service are held
 * until the K have ended and the fault is removed.
 */
import { MODEL_CALLS } from '@chaos-lab/common';
import type { RunCounters, ScheduleEvent, TriggerKind } from './trigger.js';

type FirstAttemptsTrigger = Extract<import('@chaos-lab/common').Trigger, { kind: 'first_attempts' }>;

/** Attempts counted so far, this event's included. */
function seen(trigger: FirstAttemptsTrigger, counters: RunCounters): number {
  return trigger.tool === undefined ? counters.attempts : (counters.attemptsByTool.get(trigger.tool) ?? 0);
}

function counts(trigger: FirstAttemptsTrigger, event: ScheduleEvent): boolean {
  return (
    event.kind === 'call' && (trigger.tool === undefined ? event.tool !== MODEL_CALLS : event.tool === trigger.tool)
  );
}

/** See the file comment. */
export const firstAttemptsTrigger: TriggerKind<FirstAttemptsTrigger> = {
  fire(trigger, state, event, counters) {
    if (state.fired > 0) return undefined;
    const attempts = seen(trigger, counters);
    if (counts(trigger, event) ? attempts > trigger.k : attempts >= trigger.k) return undefined;
    return { detail: { k: trigger.k, ...(trigger.tool ? { tool: trigger.tool } : {}) } };
  },
  end(trigger, _state, event, counters) {
    return counts(trigger, event) && seen(trigger, counters) > trigger.k
      ? `attempt ${seen(trigger, counters)} is past the first ${trigger.k}`
      : undefined;
  },
  names(trigger, _state, a, counters) {
    return counts(trigger, { kind: 'call', now: 0, ...a }) && seen(trigger, counters) < trigger.k;
  },
  done(trigger, _state, ended, counters) {
    return counts(trigger, { kind: 'call', now: 0, ...ended }) && seen(trigger, counters) >= trigger.k
      ? `the first ${trigger.k} attempts ended`
      : undefined;
  },
};
