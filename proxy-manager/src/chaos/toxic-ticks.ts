/**
 * When a held toxic must go, and when its proxy may take another. This is decided in ticks, not
 * wall time: a toxic injected at tick j with duration d keeps its proxy busy until tick
 * j + ⌈d / CHAOS_INTERVAL_MS⌉ (and is removed then at the latest, even if its timer has not fired
 * yet). So the same seed and the same sequence of phases seen by the ticks inject the same toxics,
 * however slow the machine.
 */
import type { CurrentRun } from '@chaos-lab/common';
import type { ToxicPlan } from './draw.js';

/** A toxic the chaos loop injected and holds, with its `toxic_events` row and its expiry timer. */
export interface HeldToxic {
  readonly plan: ToxicPlan;
  readonly runId: string;
  readonly eventId: number;
  readonly startedAt: number;
  readonly injectedTick: number;
  cancelExpiry: () => void;
  removeReason?: string;
}

/** The first tick at which the proxy of `held` may take a toxic again (`intervalMs`: CHAOS_INTERVAL_MS). */
export function freeTick(held: HeldToxic, intervalMs: number): number {
  return held.injectedTick + Math.ceil(held.plan.durationMs / intervalMs);
}

/**
 * Why a held toxic must go at `tick`, or undefined when it stays.
 * @param run the current run (undefined: none)
 * @param active whether this tick is active (the run `active`, its agent beating, chaos not paused)
 * @param paused whether steering paused chaos
 * @param intervalMs CHAOS_INTERVAL_MS
 */
export function removalReason(
  held: HeldToxic,
  tick: number,
  run: CurrentRun | undefined,
  active: boolean,
  paused: boolean,
  intervalMs: number,
): string | undefined {
  if (held.removeReason) return held.removeReason;
  if (!run) return 'no current run';
  if (held.runId !== run.runId) return 'another run started';
  if (run.phase !== 'active') return `run is ${run.phase}`;
  if (paused) return 'chaos paused';
  if (!active) return 'agent heartbeat stale';
  if (tick >= freeTick(held, intervalMs)) return 'duration ended';
  return undefined;
}
