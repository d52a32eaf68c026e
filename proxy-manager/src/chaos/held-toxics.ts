/**
 * The toxics the chaos loop injected and holds: at most one per proxy, each with its `toxic_events`
 * row and an expiry timer; removed when its duration ends, when the run leaves `active` (or steering
 * pauses chaos, or its agent falls silent), when another run starts, and on shutdown; released when
 * Toxiproxy lost it.
 *
 * Whether a proxy can take its drawn toxic is decided in ticks, not wall time (`toxic-ticks.ts`).
 *
 * An event whose toxic is gone but whose row cannot be closed yet (database locked) is kept with its
 * end and closed on a later try.
 */
import { ENDED_BY_TOXIPROXY_LOST, LabError, type CurrentRun } from '@chaos-lab/common';
import { toxicEnded, toxicStarted } from '../metrics.js';
import type { ProxyState } from '../toxiproxy/gateway.js';
import type { SerialQueue } from '../util/serial-queue.js';
import type { LoopContext } from './context.js';
import type { ToxicPlan } from './draw.js';
import type { ActiveToxic } from './snapshot.js';
import { closeToxicEvent, openToxicEvent } from './toxic-events.js';
import { freeTick, removalReason, type HeldToxic } from './toxic-ticks.js';

/** The loop's injected toxics; see the file comment. */
export class HeldToxics {
  private readonly ctx: LoopContext;
  /** The loop's job queue: an expiry runs on it, behind the tick in progress. */
  private readonly queue: SerialQueue;
  /** Whether the loop is stopping (a refused removal then means Toxiproxy is gone with its toxics). */
  private readonly stopping: () => boolean;
  /** Injected toxics by proxy name: at most one per proxy. */
  private readonly held = new Map<string, HeldToxic>();
  /** The first tick at which a proxy may take a toxic again (see `toxic-ticks.ts`). */
  private readonly freeAtTick = new Map<string, number>();
  /** Events whose toxic is gone but whose row could not be closed yet (database locked): when, and why. */
  private readonly pendingCloses = new Map<number, { endedAt: number; endedBy: string }>();
  private injectedCount = 0;
  private failedCount = 0;

  constructor(ctx: LoopContext, queue: SerialQueue, stopping: () => boolean) {
    this.ctx = ctx;
    this.queue = queue;
    this.stopping = stopping;
  }

  /** Injections since this manager started. */
  get injected(): number {
    return this.injectedCount;
  }

  /** Injections that failed since this manager started. */
  get failedInjections(): number {
    return this.failedCount;
  }

  /** Whether `toxic` on `proxy` is one this loop injected. */
  owns(proxy: string, toxic: string): boolean {
    return this.held.get(proxy)?.plan.name === toxic;
  }

  /** The `toxic_events` rows of the toxics held. */
  eventIds(): ReadonlySet<number> {
    return new Set([...this.held.values()].map((h) => h.eventId));
  }

  /** The toxics held, for `/status`. */
  active(): ActiveToxic[] {
    return [...this.held.values()].map((h) => ({
      proxy: h.plan.proxy,
      name: h.plan.name,
      type: h.plan.type,
      stream: h.plan.stream,
      toxicity: h.plan.toxicity,
      attributes: h.plan.attributes,
      runId: h.runId,
      eventId: h.eventId,
      startedAt: h.startedAt,
      endsAt: h.startedAt + h.plan.durationMs,
      ...(h.removeReason ? { removing: h.removeReason } : {}),
    }));
  }

  /** Every proxy may take a toxic again at once (a new run, or a tick that is not active). */
  clearFreeTicks(): void {
    this.freeAtTick.clear();
  }

  /** Closes the events of injected toxics Toxiproxy no longer has (it restarted, or someone removed them). */
  noticeVanished(proxies: readonly ProxyState[]): void {
    const byName = new Map(proxies.map((p) => [p.name, p]));
    for (const held of [...this.held.values()]) {
      const present = byName.get(held.plan.proxy)?.toxics.some((t) => t.name === held.plan.name);
      if (present) continue;
      this.release(held);
      // The proxy is free again at once: the replay guarantee holds for an undisturbed timeline only.
      this.freeAtTick.delete(held.plan.proxy);
      this.ctx
        .logFor(held.runId)
        .warn(
          { proxy: held.plan.proxy, toxic: held.plan.name, eventId: held.eventId },
          'toxic vanished from Toxiproxy (restarted, or removed by someone else): event closed',
        );
    }
  }

  /**
   * Removes every held toxic whose time has come (see {@link removalReason}).
   * @param active whether this tick is active (the run `active`, its agent beating, chaos not paused)
   * @param paused whether steering paused chaos
   */
  async removeDue(tick: number, run: CurrentRun | undefined, active: boolean, paused: boolean): Promise<void> {
    for (const held of [...this.held.values()]) {
      const reason = removalReason(held, tick, run, active, paused, this.ctx.deps.settings.CHAOS_INTERVAL_MS);
      if (reason) await this.removeHeld(held, reason);
    }
  }

  /**
   * Injects a tick's drawn toxics, each on a proxy that exists and holds none (and is not busy by ticks).
   * @param plans one decision per proxy, undefined where none fired
   * @param existing the names of the proxies Toxiproxy has now
   */
  async injectPlans(
    tick: number,
    run: CurrentRun,
    plans: readonly (ToxicPlan | undefined)[],
    existing: ReadonlySet<string>,
  ): Promise<void> {
    const log = this.ctx.logFor(run.runId);
    for (const plan of plans) {
      if (!plan) continue;
      if (this.held.has(plan.proxy) || tick < (this.freeAtTick.get(plan.proxy) ?? 0)) {
        log.debug({ proxy: plan.proxy, type: plan.type }, 'drawn toxic skipped: the proxy holds one');
      } else if (!existing.has(plan.proxy)) {
        log.debug(
          { proxy: plan.proxy, type: plan.type },
          'drawn toxic skipped: the proxy does not exist (see the proxies condition)',
        );
      } else {
        await this.inject(tick, run, plan);
      }
    }
  }

  /**
   * Removes every held toxic at shutdown, in parallel (each proxy's removal may wait out its retries
   * when Toxiproxy is unreachable), and closes their events.
   */
  async removeAll(reason: string): Promise<void> {
    await Promise.all([...this.held.values()].map((held) => this.removeHeld(held, reason)));
    this.retryPendingCloses();
  }

  /** Logs every toxic still held (removal failed): the next start removes it and closes its event. */
  logLeftBehind(): void {
    for (const held of this.held.values()) {
      this.ctx
        .logFor(held.runId)
        .error(
          { proxy: held.plan.proxy, toxic: held.plan.name, eventId: held.eventId },
          'toxic left behind at shutdown: the next start removes it and closes its event',
        );
    }
  }

  /** Closes the events whose close the database refused earlier (stops at the first refusal). */
  retryPendingCloses(): void {
    const { conditions, logFor, deps } = this.ctx;
    for (const [eventId, { endedAt, endedBy }] of this.pendingCloses) {
      try {
        closeToxicEvent(deps.db, eventId, endedAt, endedBy);
        this.pendingCloses.delete(eventId);
      } catch (err) {
        conditions.report(
          'toxic events',
          `cannot close toxic events (${(err as Error).message}); retrying`,
          logFor(this.ctx.currentRunId()),
        );
        return;
      }
      conditions.report('toxic events', undefined, logFor(this.ctx.currentRunId()));
    }
  }

  /** Adds one toxic, records its event and arms its expiry. */
  private async inject(tick: number, run: CurrentRun, plan: ToxicPlan): Promise<void> {
    const { gateway, db, clock } = this.ctx.deps;
    const log = this.ctx.logFor(run.runId).child({ proxy: plan.proxy, toxic: plan.name });
    try {
      await gateway.addToxic(plan.proxy, plan);
    } catch (err) {
      this.failedCount++;
      log.warn({ err: (err as Error).message, type: plan.type }, 'toxic injection failed');
      return;
    }
    const startedAt = clock.now();
    let eventId: number;
    try {
      eventId = openToxicEvent(db, { runId: run.runId, ...plan, startedAt });
    } catch (err) {
      this.failedCount++;
      this.ctx.conditions.report('toxic events', `cannot record injections (${(err as Error).message})`, log);
      log.error('injection not recorded: removing the toxic (reconciliation retries if this fails)');
      await gateway.removeToxic(plan.proxy, plan).catch(() => undefined);
      return;
    }
    const held: HeldToxic = {
      plan,
      runId: run.runId,
      eventId,
      startedAt,
      injectedTick: tick,
      cancelExpiry: () => undefined,
    };
    held.cancelExpiry = clock.setTimeout(() => void this.queue.run(() => this.expire(held)), plan.durationMs);
    this.held.set(plan.proxy, held);
    this.freeAtTick.set(plan.proxy, freeTick(held, this.ctx.deps.settings.CHAOS_INTERVAL_MS));
    this.injectedCount++;
    toxicStarted(plan, 'chaos_loop');
    log.info(
      {
        eventId,
        type: plan.type,
        stream: plan.stream,
        toxicity: plan.toxicity,
        attributes: plan.attributes,
        durationMs: plan.durationMs,
      },
      'toxic injected',
    );
  }

  private async expire(held: HeldToxic): Promise<void> {
    if (this.held.get(held.plan.proxy) === held) await this.removeHeld(held, 'duration ended');
  }

  /**
   * Removes a held toxic from Toxiproxy and closes its event.
   * @returns false when Toxiproxy could not be told (the toxic stays held and is retried next tick)
   */
  private async removeHeld(held: HeldToxic, reason: string): Promise<boolean> {
    held.removeReason ??= reason;
    held.cancelExpiry();
    const log = this.ctx
      .logFor(held.runId)
      .child({ proxy: held.plan.proxy, toxic: held.plan.name, eventId: held.eventId });
    try {
      await this.ctx.deps.gateway.removeToxic(held.plan.proxy, held.plan);
    } catch (err) {
      if (this.stopping() && toxiproxyGone(err)) {
        // No later tick will see it vanish: Toxiproxy is not listening, and its toxics died with it.
        this.release(held, ENDED_BY_TOXIPROXY_LOST);
        log.warn(
          { reason: held.removeReason },
          'Toxiproxy refuses connections at shutdown: its toxic went with it; event closed',
        );
        return true;
      }
      log.warn({ err: (err as Error).message, reason: held.removeReason }, 'toxic removal failed; retrying next tick');
      return false;
    }
    const endedAt = this.release(held);
    log.info({ reason: held.removeReason, heldMs: endedAt - held.startedAt }, 'toxic removed');
    return true;
  }

  /**
   * Forgets a toxic that is gone from Toxiproxy and closes its event (or queues the close when the
   * database is locked).
   * @returns the `ended_at` recorded, ms since the epoch
   */
  private release(held: HeldToxic, endedBy = 'removed'): number {
    held.cancelExpiry();
    this.held.delete(held.plan.proxy);
    toxicEnded(held.plan);
    const endedAt = this.ctx.deps.clock.now();
    this.pendingCloses.set(held.eventId, { endedAt, endedBy });
    this.retryPendingCloses();
    return endedAt;
  }
}

/** True when a Toxiproxy call failed because nothing listens at its API (connection refused). */
function toxiproxyGone(err: unknown): boolean {
  return err instanceof LabError && err.code === 'TOXIPROXY' && err.details?.errorCode === 'ECONNREFUSED';
}
