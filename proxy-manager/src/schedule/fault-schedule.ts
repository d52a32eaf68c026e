/**
 * The fault schedule (see docs/experiments.md): fires, records and rolls back the planned
 * faults of the current run (its `fault_plans` row). Every fault kind goes through here; the tool
 * services and the launcher only read what it recorded.
 *
 *   chaos tick ─────────────┐                       ┌─► fire:  kind.apply ──► open fault_events row
 *   POST /calls (announce) ─┴─► follow run ─► count ─┤         (timer at the duration's end)
 *     (waits for the ack)       (load plan)          └─► end:   kind.revert ──► close row (ended_by)
 *                                                    ack ◄── announcement recorded with active faults
 *
 * A plan's fault is expanded into slots, one per target (a tool service, or the model); each slot has
 * its trigger's state (loading and expanding the plan: `plan-run.ts`). This file decides when a slot
 * fires and ends; putting its fault in place and taking it away (its row, its duration's timer, the
 * rollback) is `slot-faults.ts`. The model gateway announces each model request under the tool `model`.
 * Jobs run one at a time on a {@link SerialQueue}, so a tick and an announcement never interleave.
 * An in-place fault lands on exactly the attempts it names when the agent reports its attempts' ends:
 * other attempts to its service are held meanwhile (`attempt-holds.ts`).
 * Rollback always: a new current run, the run `done`, or {@link FaultSchedule.stop} ends every active
 * slot (`ended_by` rollback); the journal reads them back. Nothing thrown here leaves the schedule.
 */
import { MODEL_CALLS, type CurrentRun, type Fault, type Logger } from '@chaos-lab/common';
import { serviceOfTool, type AnnounceProgress, type AnnounceStep, type Announcement } from './announcement.js';
import { newerRun, recordAnnouncement } from './planned-events.js';
import { AttemptsInFlight, attemptId, newHold, settlesWithin } from './attempt-holds.js';
import { loadPlanRun, type PlanRun, type SlotRun } from './plan-run.js';
import { SerialQueue } from '../util/serial-queue.js';
import { SlotFaults, type SlotFaultDeps } from './slot-faults.js';
import { triggerKind } from './triggers/registry.js';
import type { ScheduleEvent } from './triggers/trigger.js';

/** What the schedule needs. */
export interface FaultScheduleDeps extends SlotFaultDeps {
  /**
   * Faults every run's plan gets on top of its own (the `LLM_FAULT_*` settings as plan entries,
   * `faults/llm-settings.ts`); a name the run's plan already uses is left out.
   */
  readonly settingsFaults?: readonly Fault[];
}

export type { Announcement } from './announcement.js';

/** See the file comment. */
export class FaultSchedule {
  readonly #deps: FaultScheduleDeps;
  readonly #queue = new SerialQueue();
  readonly #slots: SlotFaults;
  readonly #inFlight = new AttemptsInFlight();
  #run: PlanRun | undefined;
  #followed: string | undefined;
  #stopped = false;

  constructor(deps: FaultScheduleDeps) {
    this.#deps = deps;
    this.#slots = new SlotFaults(deps, this.#queue);
  }

  /** Called by the chaos loop every tick with the run it read (undefined: none) and whether it is active. */
  onTick(run: CurrentRun | undefined, active: boolean): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#stopped || (run && this.#isStale(run.runId))) return;
      if (!run || run.phase === 'done') return this.#slots.rollback(this.#run, run ? `run is done` : 'no current run');
      await this.#follow(run.runId, run.seed);
      if (active) await this.#see({ kind: 'tick', now: this.#deps.clock.now(), currentPrompt: run.currentPrompt });
    });
  }

  /**
   * An announced attempt: counts it, ends and fires the slots its event decides, records it, and
   * resolves once every fault for it is in place (the acknowledgement). An attempt another attempt's
   * fault is in place for on its service waits until that fault is removed, at most its `holdMaxMs`;
   * the named attempt waits for the attempts in flight on its service to end before its fault fires.
   * A report of an attempt's end (`ended`) resolves at once, with no fault.
   * @returns the names of the planned faults active on the attempt's service
   */
  async announce(a: Announcement): Promise<string[]> {
    if (a.ended) {
      await this.#attemptEnded(a, a.ended);
      return [];
    }
    const holdMaxMs = a.holdMaxMs ?? 0;
    const progress: AnnounceProgress = { counted: false, overdue: holdMaxMs <= 0, heldMs: 0, heldBy: undefined };
    for (;;) {
      const step = await this.#queue.run(() => this.#announceStep(a, progress));
      if (step.kind === 'ack') return step.faults;
      progress.heldBy ??= step.heldBy;
      const waitFrom = this.#deps.clock.now();
      const released = await settlesWithin(step.until, holdMaxMs - progress.heldMs, this.#deps.clock);
      progress.heldMs += this.#deps.clock.now() - waitFrom;
      if (!released) {
        progress.overdue = true;
        this.#log(a.runId).warn(
          { call_id: a.callId, attempt: a.attempt, fault: step.heldBy, holdMaxMs },
          'attempt held past its holdMaxMs: it goes ahead and may meet the fault',
        );
      }
    }
  }

  async #announceStep(a: Announcement, progress: AnnounceProgress): Promise<AnnounceStep> {
    if (this.#stopped) return { kind: 'ack', faults: [] };
    await this.#follow(a.runId, undefined);
    const plan = this.#run;
    if (!plan) return { kind: 'ack', faults: [] };
    const service = serviceOfTool(a.tool);
    const key = `${a.runId} ${attemptId(a)}`;
    const reports = (a.holdMaxMs ?? 0) > 0;
    if (!progress.counted) {
      const blocker = progress.overdue ? undefined : plan.slots.find((s) => s.service === service && this.#holds(s, a));
      if (blocker) {
        const hold = blocker.hold!;
        if (blocker.active)
          hold.ending ??= triggerKind(blocker.fault.trigger).held?.(blocker.fault.trigger, blocker.state, a);
        await this.#endQuietSlots(plan);
        return { kind: 'wait', until: hold.released, heldBy: blocker.fault.name };
      }
      const c = plan.counters;
      if (a.attempt === 1) c.callsByTool.set(a.tool, (c.callsByTool.get(a.tool) ?? 0) + 1);
      c.attemptsByTool.set(a.tool, (c.attemptsByTool.get(a.tool) ?? 0) + 1);
      // `attempts` counts the tools' attempts: the model gateway's requests are counted under `model` only.
      if (a.tool !== MODEL_CALLS) c.attempts++;
      if (reports) plan.reportsEnds = true;
      progress.counted = true;
      await this.#see({ kind: 'call', now: this.#deps.clock.now(), ...a }, reports ? key : undefined);
    }
    const mine = plan.slots.filter((s) => s.reserved?.forKey === key);
    const now = this.#deps.clock.now();
    const busy = progress.overdue ? undefined : mine.find((s) => !this.#inFlight.quiet(s.service, now));
    if (busy) return { kind: 'wait', until: this.#inFlight.whenQuiet(busy.service), heldBy: busy.fault.name };
    for (const slot of mine) {
      const { firing } = slot.reserved!;
      slot.reserved = undefined;
      await this.#slots.fire(plan, slot, firing);
    }
    const active = plan.slots.filter((s) => s.active && s.service === service);
    if (reports && service) {
      this.#inFlight.add(key, service, now + (a.holdMaxMs ?? 0));
      for (const s of active) s.hold?.touched.set(attemptId(a), undefined);
    }
    const faults = active.map((s) => s.fault.name);
    try {
      recordAnnouncement(this.#deps.db, { ...a, at: now, faults, heldMs: progress.heldMs, heldBy: progress.heldBy });
    } catch (err) {
      this.#log(a.runId).warn({ err: (err as Error).message }, 'announcement not recorded');
    }
    return { kind: 'ack', faults };
  }

  /** True when `slot` holds back attempt `a` (announced by an agent that reports ends) of its service. */
  #holds(slot: SlotRun, a: Announcement): boolean {
    if (!slot.hold || (a.holdMaxMs ?? 0) <= 0) return false;
    if (slot.reserved || slot.hold.ending !== undefined) return true;
    const names = triggerKind(slot.fault.trigger).names;
    return !names?.(slot.fault.trigger, slot.state, a, this.#run!.counters);
  }

  /** An attempt's end reported: off the attempts in flight; a slot it was named by may end now. */
  async #attemptEnded(a: Announcement, ended: NonNullable<Announcement['ended']>): Promise<void> {
    this.#inFlight.remove(`${a.runId} ${attemptId(a)}`, this.#deps.clock.now());
    await this.#queue.run(async () => {
      const plan = this.#run;
      if (this.#stopped || plan?.runId !== a.runId) return;
      const id = attemptId(a);
      for (const slot of plan.slots) {
        const hold = slot.hold;
        if (!slot.active || !hold) continue;
        if (hold.touched.has(id)) hold.touched.set(id, ended.sent);
        const why = triggerKind(slot.fault.trigger).done?.(
          slot.fault.trigger,
          slot.state,
          { ...a, ...ended },
          plan.counters,
        );
        hold.ending ??= why;
      }
      await this.#endQuietSlots(plan);
    });
  }

  /** Ends the slots whose trigger ended them once their service has no reported attempt in flight. */
  async #endQuietSlots(plan: PlanRun): Promise<void> {
    const now = this.#deps.clock.now();
    for (const slot of plan.slots) {
      const why = slot.hold?.ending;
      if (slot.active && why !== undefined && this.#inFlight.quiet(slot.service, now))
        await this.#slots.end(plan, slot, 'trigger', why);
    }
  }

  /** True when a toxic on `proxy` named `toxic` is one of this schedule's (reconciliation keeps it). */
  owns(proxy: string, toxic: string): boolean {
    return (
      this.#run?.slots.some(
        (s) =>
          s.active && s.proxy === proxy && s.fault.kind === 'toxic' && toxic === `plan_${s.fault.name}_${s.service}`,
      ) ?? false
    );
  }

  /** Rolls back every active fault and stops taking events (shutdown). */
  stop(): Promise<void> {
    return this.#queue.run(async () => {
      await this.#slots.rollback(this.#run, 'the proxy-manager is stopping');
      this.#stopped = true;
    });
  }

  /**
   * True when `runId` started before the followed run: a tick carries the run the chaos loop read before
   * its Toxiproxy sync, and an announcement may have moved the schedule on to a newer run meanwhile.
   * Following it again would roll back the newer run's faults and forget its counters.
   */
  #isStale(runId: string): boolean {
    const followed = this.#followed;
    return followed !== undefined && runId !== followed && newerRun(this.#deps.db, runId, followed) === followed;
  }

  /** Makes `runId` the followed run: rolls back the previous one's faults, loads the new plan. */
  async #follow(runId: string, seed: number | undefined): Promise<void> {
    if (this.#followed === runId) return;
    await this.#slots.rollback(this.#run, 'another run started');
    this.#inFlight.clear();
    this.#followed = runId;
    this.#run = loadPlanRun(this.#deps, runId, seed, this.#log(runId));
  }

  /**
   * Ends then fires the slots an event decides, in plan order. A slot whose duration ended by the
   * event's time ended by its duration, even when its timer (late on a loaded machine) has not run yet.
   * A slot that holds ends when its trigger says so and its service has no reported attempt in flight;
   * fired for `reportedKey` (an attempt whose end will be reported), it is reserved for that attempt
   * and fires once the attempts in flight on its service have ended (`#announceStep`).
   */
  async #see(event: ScheduleEvent, reportedKey?: string): Promise<void> {
    const plan = this.#run;
    if (!plan) return;
    for (const slot of plan.slots) {
      if (!slot.active) continue;
      if (slot.active.endsAt !== undefined && event.now >= slot.active.endsAt) {
        await this.#slots.end(plan, slot, 'duration', 'its duration ended');
        continue;
      }
      const why = triggerKind(slot.fault.trigger).end(slot.fault.trigger, slot.state, event, plan.counters);
      if (why && slot.hold) slot.hold.ending ??= why;
      else if (why) await this.#slots.end(plan, slot, 'trigger', why);
    }
    await this.#endQuietSlots(plan);
    for (const slot of plan.slots) {
      if (slot.active || slot.reserved) continue;
      const kind = triggerKind(slot.fault.trigger);
      const firing = kind.fire(slot.fault.trigger, slot.state, event, plan.counters, plan.random);
      if (!firing) continue;
      const holds = kind.names !== undefined && (kind.holds?.(slot.fault.trigger) ?? true);
      if (holds) slot.hold = newHold();
      if (holds && reportedKey !== undefined) slot.reserved = { firing, forKey: reportedKey };
      else await this.#slots.fire(plan, slot, firing);
    }
  }

  #log(runId: string): Logger {
    return this.#deps.logger.child({ run_id: runId });
  }
}
