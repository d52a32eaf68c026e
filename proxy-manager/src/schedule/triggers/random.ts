/**
 * `random`: the chaos loop's behaviour for one fault. Without `tool`: on every chaos tick while the run
 * is active, each idle slot fires with `probability`, for a duration drawn uniformly from `durationMs`
 * [min, max] (integer ms, both included). With `tool` (a tool, or `model` for the model gateway's
 * requests): on every announced attempt of that tool, each idle slot fires with `probability`, in place
 * before the attempt is sent, and lasts that attempt (it ends at the tool's next announced attempt, or
 * after `durationMs` when given). Draws come from the run's plan source, so a seed replays the same
 * draws for the same sequence of events. A slot fires again once it has ended. With a `tool` and an
 * agent that reports its attempts' ends (`attempt-holds.ts`), it names its one attempt: others to the
 * service are held until that attempt has ended and the fault is removed.
 */
import type { TriggerKind } from './trigger.js';

type RandomTrigger = Extract<import('@chaos-lab/common').Trigger, { kind: 'random' }>;

/** See the file comment. */
export const randomTrigger: TriggerKind<RandomTrigger> = {
  fire(trigger, state, event, _counters, random) {
    const perAttempt = trigger.tool !== undefined;
    if (perAttempt ? event.kind !== 'call' || event.tool !== trigger.tool : event.kind !== 'tick') return undefined;
    if (!random.chance(trigger.probability)) return undefined;
    if (event.kind === 'call') {
      state.callId = event.callId;
      state.attempt = event.attempt;
    }
    const durationMs =
      trigger.durationMs && random.int(Math.round(trigger.durationMs[0]), Math.round(trigger.durationMs[1]));
    return {
      durationMs,
      detail:
        perAttempt && event.kind === 'call'
          ? { tool: trigger.tool, call_id: event.callId, attempt: event.attempt, probability: trigger.probability }
          : { tick: true, probability: trigger.probability },
    };
  },
  end(trigger, _state, event) {
    return trigger.tool !== undefined && event.kind === 'call' && event.tool === trigger.tool
      ? `the next attempt of ${trigger.tool}`
      : undefined;
  },
  names(_trigger, state, a) {
    return a.callId === state.callId && a.attempt === state.attempt;
  },
  holds(trigger) {
    return trigger.tool !== undefined;
  },
  done(_trigger, state, ended) {
    return ended.callId === state.callId && ended.attempt === state.attempt ? 'its attempt ended' : undefined;
  },
};
