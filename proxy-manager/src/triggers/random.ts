/**
 * `random`: the chaos loop's behaviour for one fault: on every chaos tick while the run is active,
 * each idle slot fires with `probability`, for a duration drawn uniformly from `durationMs` [min, max]
 * (integer ms, both included) from the run's plan source, so a seed replays the same draws for the
 * same sequence of ticks. A slot fires again once its duration has ended.
 */
import type { TriggerKind } from './trigger.js';

type RandomTrigger = Extract<import('../fault-plan.js').Trigger, { kind: 'random' }>;

/** See the file comment. */
export const randomTrigger: TriggerKind<RandomTrigger> = {
  fire(trigger, _state, event, _counters, random) {
    if (event.kind !== 'tick' || !random.chance(trigger.probability)) return undefined;
    const durationMs = random.int(Math.round(trigger.durationMs[0]), Math.round(trigger.durationMs[1]));
    return { durationMs, detail: { tick: true, probability: trigger.probability } };
  },
  end: () => undefined,
};
