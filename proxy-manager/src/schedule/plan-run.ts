/**
 * Plan loading for the fault schedule: reads a run's `fault_plans` row, adds the settings' faults
 * (writing the merged plan back), and expands it into the {@link PlanRun} the schedule follows —
 * one slot per fault target, fresh counters and the run's seeded random.
 */
import {
  createRandom,
  getService,
  MODEL_PART,
  readFaultPlan,
  targetServices,
  writeFaultPlan,
  type Database,
  type Fault,
  type FaultPlan,
  type FaultTarget,
  type Logger,
  type Random,
} from '@chaos-lab/common';
import type { Clock } from '../util/clock.js';
import type { EventShape, Slot } from './faults/fault-kind.js';
import { runStartedAt } from './planned-events.js';
import type { SlotHold } from './attempt-holds.js';
import type { Firing, RunCounters, SlotState } from './triggers/trigger.js';

/** A slot of the followed plan with its trigger state and, while it is in place, its active fault. */
export interface SlotRun extends Slot {
  readonly state: SlotState;
  /**
   * The fault in place: its event, when its duration ends (ms since the epoch; undefined: no duration)
   * and the timer then, and its shape (drawn once: an `llm` kind may draw its type).
   */
  active?: {
    eventId: number;
    endsAt: number | undefined;
    cancelTimer: () => void;
    shape: EventShape;
    inPlaceAt: number;
  };
  /** For a trigger that holds (`attempt-holds.ts`): set from its firing (or reservation) to its removal. */
  hold?: SlotHold;
  /** Fired for an announced attempt and waiting for its service's attempts in flight to end: the firing, and that attempt's key. */
  reserved?: { readonly firing: Firing; readonly forKey: string };
}

/** The followed run's plan: its slots, counters and random. */
export interface PlanRun {
  readonly runId: string;
  readonly slots: SlotRun[];
  readonly counters: RunCounters;
  readonly random: Random;
  /** Set at the first announcement that reports its end: from then on a fault's touched attempts are known. */
  reportsEnds: boolean;
  /** Kill and stop events whose time ran out, left open for the launcher to close when the service answers again. */
  readonly leftToLauncher: number[];
}

/** What loading a plan needs. */
export interface PlanSource {
  readonly db: Database;
  readonly clock: Clock;
  /** Faults added to every run's plan (see `FaultScheduleDeps.settingsFaults`). */
  readonly settingsFaults?: readonly Fault[];
}

/**
 * Loads the plan `runId` follows (`seed`: the run's seed, read from `runs` when undefined).
 * @returns undefined when the run has no plan, or its plan is not valid (logged: no planned fault fires)
 */
export function loadPlanRun(
  source: PlanSource,
  runId: string,
  seed: number | undefined,
  log: Logger,
): PlanRun | undefined {
  const { db, clock } = source;
  let plan: FaultPlan | undefined;
  try {
    plan = withSettingsFaults(source, runId, readFaultPlan(db, runId));
  } catch (err) {
    log.error({ err: (err as Error).message }, 'fault plan of the run is not valid: no planned fault fires');
    return undefined;
  }
  if (!plan) return undefined;
  const recordedSeed =
    seed ??
    (db.prepare('SELECT seed FROM runs WHERE run_id = ?').get(runId) as { seed: number } | undefined)?.seed ??
    0;
  const slots: SlotRun[] = plan.faults.flatMap((fault) =>
    targetServices(fault).map((service) => ({ fault, service, proxy: proxyOf(service), state: { fired: 0 } })),
  );
  const counters: RunCounters = {
    runStartedAt: runStartedAt(db, runId) ?? clock.now(),
    callsByTool: new Map(),
    attemptsByTool: new Map(),
    attempts: 0,
  };
  log.info({ faults: plan.faults.map((f) => f.name), slots: slots.length }, 'following the fault plan of the run');
  return {
    runId,
    slots,
    counters,
    random: createRandom(recordedSeed).fork('fault-plan'),
    reportsEnds: false,
    leftToLauncher: [],
  };
}

/**
 * The run's plan with the settings' faults added (written back to `fault_plans`, so the record holds
 * the plan the run followed); undefined when there is neither.
 */
function withSettingsFaults(source: PlanSource, runId: string, plan: FaultPlan | undefined): FaultPlan | undefined {
  const taken = new Set(plan?.faults.map((f) => f.name));
  const extra = (source.settingsFaults ?? []).filter((f) => !taken.has(f.name));
  if (extra.length === 0) return plan;
  const merged: FaultPlan = { faults: [...(plan?.faults ?? []), ...extra] };
  writeFaultPlan(source.db, runId, merged, source.clock.now());
  return merged;
}

/** The proxy in front of a target. */
function proxyOf(target: FaultTarget): string {
  return target === MODEL_PART.name ? MODEL_PART.proxyName : getService(target).proxyName;
}
