/**
 * Putting a slot's fault in place and taking it away, for the fault schedule (`fault-schedule.ts`
 * decides when): fire (record the `fault_events` row, then apply the fault's kind, then time its
 * duration), end (revert, then close the row), release the attempts a slot held, and roll back every
 * active slot of a plan.
 *
 *   fire: open row ──► kind.apply ──► timer at the duration's end ──► end: kind.revert ──► close row
 *
 * A duration's timer ends its slot through the schedule's {@link SerialQueue}, so it never interleaves
 * with a tick or an announcement. Nothing thrown here leaves it (failures are logged).
 */
import type { Database, Logger } from '@chaos-lab/common';
import type { Clock } from '../util/clock.js';
import type { SerialQueue } from '../util/serial-queue.js';
import type { ToxiproxyGateway } from '../toxiproxy/gateway.js';
import { plannedFaultMoved } from '../metrics.js';
import { touchedIds } from './attempt-holds.js';
import type { FaultKind, Slot } from './faults/fault-kind.js';
import { httpErrorFaults } from './faults/http-error.js';
import { llmFaults } from './faults/llm.js';
import { serviceFaults } from './faults/service.js';
import { toxicFaults } from './faults/toxic.js';
import type { PlanRun, SlotRun } from './plan-run.js';
import {
  closePlannedEvent,
  deletePlannedEvent,
  openPlannedEvent,
  setPlannedDue,
  type PlannedEnd,
} from './planned-events.js';
import type { Firing } from './triggers/trigger.js';

/** What putting faults in place needs. */
export interface SlotFaultDeps {
  readonly db: Database;
  readonly gateway: ToxiproxyGateway;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** See the file comment. */
export class SlotFaults {
  readonly #deps: SlotFaultDeps;
  readonly #queue: SerialQueue;
  readonly #kinds: Record<Slot['fault']['kind'], FaultKind>;

  /** @param queue the schedule's queue: a duration's end runs on it */
  constructor(deps: SlotFaultDeps, queue: SerialQueue) {
    this.#deps = deps;
    this.#queue = queue;
    this.#kinds = {
      toxic: toxicFaults(deps.gateway),
      http_error: httpErrorFaults,
      service: serviceFaults(deps.db),
      llm: llmFaults,
    };
  }

  /**
   * Puts `slot`'s fault in place for `firing`: opens its `fault_events` row, applies its kind, and sets
   * the timer of its duration's end. A fault that could not be recorded or put in place does not fire
   * (logged; its held attempts are released).
   */
  async fire(plan: PlanRun, slot: SlotRun, firing: Firing): Promise<void> {
    const trigger = { kind: slot.fault.trigger.kind, ...firing.detail };
    const { db, clock } = this.#deps;
    const kind = this.#kinds[slot.fault.kind];
    const log = this.#log(plan.runId).child({ fault: slot.fault.name, service: slot.service });
    slot.state.fired++;
    const shape = kind.shape(slot, plan.random);
    // Recorded before it acts: whoever sees its effect first (the launcher sees a killed service exit
    // at once) finds the event already there.
    let eventId: number;
    try {
      eventId = openPlannedEvent(db, {
        ...shape,
        runId: plan.runId,
        proxy: slot.proxy,
        service: slot.service,
        fault: slot.fault.name,
        trigger,
        startedAt: clock.now(),
      });
    } catch (err) {
      log.error({ err: (err as Error).message }, 'planned fault could not be recorded: not fired');
      this.release(slot);
      return;
    }
    try {
      await kind.apply(slot, log);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'planned fault could not be put in place: not fired');
      try {
        deletePlannedEvent(db, eventId);
      } catch (deleteErr) {
        log.error(
          { err: (deleteErr as Error).message, eventId },
          'the event of a fault that did not fire could not be removed',
        );
      }
      this.release(slot);
      return;
    }
    // In place now: a duration counts from here.
    const now = clock.now();
    const endsAt =
      slot.fault.kind === 'service' && slot.fault.action === 'restart'
        ? now
        : (firing.endsAt ?? (firing.durationMs === undefined ? undefined : now + firing.durationMs));
    const cancelTimer =
      endsAt === undefined
        ? () => undefined
        : clock.setTimeout(
            () => void this.#queue.run(() => this.#endIfActive(plan, slot, eventId)),
            Math.max(0, endsAt - now),
          );
    slot.active = { eventId, endsAt, cancelTimer, shape, inPlaceAt: now };
    if (endsAt !== undefined) {
      try {
        setPlannedDue(db, eventId, endsAt);
      } catch (err) {
        log.warn({ err: (err as Error).message, eventId }, 'planned end of the fault not recorded');
      }
    }
    plannedFaultMoved(shape, slot.proxy, 'started');
    const durationMs = endsAt === undefined ? null : endsAt - now;
    log.info({ eventId, type: shape.type, trigger, durationMs }, 'planned fault fired');
  }

  /** Ends `slot` by its duration unless it ended meanwhile (its active fault is no longer `eventId`). */
  async #endIfActive(plan: PlanRun, slot: SlotRun, eventId: number): Promise<void> {
    if (slot.active?.eventId === eventId) await this.end(plan, slot, 'duration', 'its duration ended');
  }

  /**
   * Takes `slot`'s fault away (no-op when none is in place) and closes its row with `endedBy`, or leaves
   * it open for the launcher (a kill or stop that ran its time); releases the attempts it held.
   * @param why logged: what ended it
   */
  async end(plan: PlanRun, slot: SlotRun, endedBy: PlannedEnd, why: string): Promise<void> {
    const active = slot.active;
    if (!active) return;
    slot.active = undefined;
    active.cancelTimer();
    plannedFaultMoved(active.shape, slot.proxy, 'ended');
    const log = this.#log(plan.runId).child({ fault: slot.fault.name, service: slot.service, eventId: active.eventId });
    await this.#kinds[slot.fault.kind].revert(slot, log);
    const now = this.#deps.clock.now();
    // Only a pause is undone here (a kill or stop is measured by the launcher, which restarts the service).
    const outageMs = active.shape.type === 'pause' ? now - active.inPlaceAt : undefined;
    const touched = slot.hold && plan.reportsEnds ? touchedIds(slot.hold) : undefined;
    // A kill or stop that ran its time lasts until the service answers again: the launcher, which brings
    // it back for its due end, closes the event then, with the outage (lab/src/launcher/planned-restart.ts).
    const { kind, type } = active.shape;
    const untilBack = endedBy === 'duration' && kind === 'service' && (type === 'kill' || type === 'stop');
    try {
      if (untilBack) plan.leftToLauncher.push(active.eventId);
      else closePlannedEvent(this.#deps.db, active.eventId, now, endedBy, { touched, outageMs });
    } catch (err) {
      log.error({ err: (err as Error).message }, 'planned fault event could not be closed');
    }
    this.release(slot);
    log.info(
      { endedBy, why, touched },
      touched?.length === 0 ? 'planned fault ended, touching no attempt' : 'planned fault ended',
    );
  }

  /** Releases the attempts a slot held (its fault removed, or never put in place). */
  release(slot: SlotRun): void {
    slot.reserved = undefined;
    slot.hold?.release();
    slot.hold = undefined;
  }

  /**
   * Ends every active slot of `plan` (`ended_by` rollback) and closes the events left to the launcher;
   * releases the reserved slots' attempts. No-op without a plan.
   * @param why logged: why the plan is rolled back
   */
  async rollback(plan: PlanRun | undefined, why: string): Promise<void> {
    if (!plan) return;
    for (const slot of plan.slots) if (slot.reserved) this.release(slot);
    await Promise.all(plan.slots.filter((s) => s.active).map((s) => this.end(plan, s, 'rollback', why)));
    for (const eventId of plan.leftToLauncher.splice(0)) {
      try {
        closePlannedEvent(this.#deps.db, eventId, this.#deps.clock.now(), 'rollback');
      } catch (err) {
        this.#log(plan.runId).error(
          { err: (err as Error).message, eventId },
          'planned fault event could not be closed',
        );
      }
    }
  }

  #log(runId: string): Logger {
    return this.#deps.logger.child({ run_id: runId });
  }
}
