/**
 * `call`: fires in place, before the first attempt of the Nth logical call of `tool` (counted over the
 * run, 1-based) is sent: the agent announces the attempt and waits for the acknowledgement, which the
 * schedule gives only once the fault is in place. It lasts `attempts` attempts of that call: it ends
 * before attempt `attempts + 1` is acknowledged, or when another call of the tool or another prompt
 * is seen, or after `durationMs` when given. With an agent that reports its attempts' ends
 * (`attempt-holds.ts`), it names the call's first `attempts` attempts: other attempts to the service
 * are held meanwhile, and it ends once the last of those attempts (or the call's last) has ended.
 */
import { eventPrompt, type TriggerKind } from './trigger.js';

type CallTrigger = Extract<import('@chaos-lab/common').Trigger, { kind: 'call' }>;

/** See the file comment. */
export const callTrigger: TriggerKind<CallTrigger> = {
  fire(trigger, state, event, counters) {
    if (state.fired > 0 || event.kind !== 'call' || event.tool !== trigger.tool || event.attempt !== 1)
      return undefined;
    if (counters.callsByTool.get(trigger.tool) !== trigger.n) return undefined;
    state.callId = event.callId;
    state.promptIndex = event.promptIndex;
    return { durationMs: trigger.durationMs, detail: { tool: trigger.tool, n: trigger.n, call_id: event.callId } };
  },
  end(trigger, state, event) {
    if (event.kind === 'call' && event.callId === state.callId && event.attempt > trigger.attempts)
      return `attempt ${event.attempt} of the call`;
    if (event.kind === 'call' && event.tool === trigger.tool && event.callId !== state.callId)
      return 'another call of the tool';
    const prompt = eventPrompt(event);
    if (prompt !== null && prompt !== state.promptIndex) return 'another prompt';
    return undefined;
  },
  names(trigger, state, a) {
    return a.callId === state.callId && a.attempt <= trigger.attempts;
  },
  done(trigger, state, ended) {
    if (ended.callId !== state.callId) return undefined;
    if (ended.attempt >= trigger.attempts) return `attempt ${ended.attempt} of the call ended`;
    return ended.more ? undefined : `the call ended at attempt ${ended.attempt}`;
  },
};
