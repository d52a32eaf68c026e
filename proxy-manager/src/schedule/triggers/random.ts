/**
 * `random`: the chaos loop's behaviour for one fault. Without `tool`: on every chaos tick while the run
 * is active, each idle slot fires with `probability`, for a duration drawn uniformly from `durationMs`
 * [min, max] (integer ms, both included). With `tool` (a tool, or `model` for the model gateway's
 * requests): on every announced attempt of that tool, each idle slot fires with `probability`, in place
 * before the attempt is sent, and lasts that attempt (it ends at the tool's next announced attempt, or
 * after `durationMs` when given). Draws come from the run's plan source, so a seed replays the same
 * draws for the same sequence of events. A slot fires again once it has ended.
 */
import type { TriggerKind } from './trigger.js';

type RandomTrigger = Extract<import('@chaos-lab/common').Trigger, { kind: 'random' }>;

/** See the file comment. */
export const randomTrigger: TriggerKind<RandomTrigger> = {
  fire(trigger, _state, event, _counters, random) {
    const perAttempt = trigger.tool !== undefined;
    if (perAttempt ? event.kind !== 'call' || event.tool !== trigger.tool : event.kind !== 'tick') return undefined;
    if (!random.chance(trigger.probability)) return undefined;
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
};
