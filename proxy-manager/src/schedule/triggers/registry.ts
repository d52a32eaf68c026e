/**
 * The trigger kinds by name (one per file in this folder; see `trigger.ts` for what a kind is).
 */
import type { Trigger } from '@chaos-lab/common';
import { callTrigger } from './call.js';
import { firstAttemptsTrigger } from './first-attempts.js';
import { promptTrigger } from './prompt.js';
import { randomTrigger } from './random.js';
import type { TriggerKind } from './trigger.js';
import { windowTrigger } from './window.js';

const KINDS: { readonly [K in Trigger['kind']]: TriggerKind<Extract<Trigger, { kind: K }>> } = {
  random: randomTrigger,
  call: callTrigger,
  prompt: promptTrigger,
  window: windowTrigger,
  first_attempts: firstAttemptsTrigger,
};

/** The kind of a trigger. */
export function triggerKind(trigger: Trigger): TriggerKind {
  return KINDS[trigger.kind] as TriggerKind;
}
