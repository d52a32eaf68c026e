/**
 * The chaos loop (DESIGN.md "The chaos loop"): every `CHAOS_INTERVAL_MS` it reads the current run's
 * phase from SQLite, reconciles Toxiproxy's proxies, and while the run is `active` (and its agent's
 * heartbeat is fresh: `HEARTBEAT_STALE_MS`) injects toxics drawn from the seeded source, each recorded
 * as one `toxic_events` row and removed when its duration ends, when the run leaves `active`, when
 * another run starts, and on shutdown.
 *
 *   tick ──► read run (control) ──► list proxies ──► reconcile ──► remove due toxics ──► inject
 *              │ locked: keep all      │ down: no changes          (missing → create,   (active ticks:
 *              ▼ as is                 ▼ (draws still made)         foreign → remove)    drawTick)
 *
 * Every tick stamps the manager's heartbeat in `parts`: when a manager dies (kill -9), whoever notices
 * (the launcher at once, or the next manager at its start) closes its open events at that heartbeat.
 *
 * Jobs run one at a time on a {@link SerialQueue}: a tick, a toxic's expiry, shutdown. A failed
 * Toxiproxy call or database write is logged and retried on a later tick; nothing here throws out of
 * the loop.
 *
 * Replay: the random source is `createRandom(seed).fork('chaos')` with the seed the run recorded
 * (`runs.seed`; `CHAOS_SEED` before any run), created afresh when a new run becomes current, and every active tick draws a decision for every proxy (see `chaos-draw.ts`).
 * Whether a proxy can take its drawn toxic is decided in ticks, not wall time: a toxic injected at
 * tick j with duration d keeps its proxy busy until tick j + ⌈d / CHAOS_INTERVAL_MS⌉ (and is removed
 * then at the latest, even if its timer has not fired yet). So the same seed and the same sequence of
 * phases seen by the ticks inject the same toxics, however slow the machine.
 *
 * Steering (common/src/steering.ts): every tick reads the run's `steering_changes`; the latest
 * TOXIC_PROB and TOXICS replace the settings' in the draws, and while chaos is paused the tick counts
 * as not active (no draw, toxics removed), so a replay that follows the recorded changes by tick
 * makes the same draws.
 */
import {
  closeEventsOfLostManager,
  createRandom,
  currentRun,
  ENDED_BY_TOXIPROXY_LOST,
  LabError,
  MODEL_PART,
  partHeartbeat,
  partStarted,
  partStopped,
  PROXY_MANAGER_PART,
  type CurrentRun,
  type Database,
  type Logger,
  type Random,
  type Settings,
  type SteeringState,
  steeringState,
} from '@chaos-lab/common';
import { drawTick, type ToxicPlan } from './draw.js';
import type { FaultSchedule } from '../schedule/fault-schedule.js';
import type { Clock } from '../util/clock.js';
import { ConditionLog } from './conditions.js';
import { toxicEnded, toxicStarted } from '../metrics.js';
import type { DesiredProxy } from '../toxiproxy/desired-proxies.js';
import { madeChanges, reconcileProxies } from '../toxiproxy/reconcile.js';
import { SerialQueue } from '../util/serial-queue.js';
import { closeOpenToxicEvents, closeToxicEvent, openToxicEvent } from './toxic-events.js';
import type { ProxyState, ToxiproxyGateway } from '../toxiproxy/gateway.js';

/** What the loop needs. */
export interface ChaosLoopDeps {
  readonly settings: Settings;
  readonly db: Database;
  readonly gateway: ToxiproxyGateway;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The proxies the manager owns, in registry order (the order of the draws). */
  readonly desired: readonly DesiredProxy[];
  /** The run's planned faults: told every tick, its toxics kept by reconciliation, rolled back at stop. */
  readonly schedule?: FaultSchedule;
}

/** A toxic the loop injected and has not seen removed yet. */
export interface ActiveToxic {
  readonly proxy: string;
  readonly name: string;
  readonly type: string;
  readonly stream: string;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
  readonly runId: string;
  /** Its `toxic_events` row. */
  readonly eventId: number;
  /** ms since the epoch. */
  readonly startedAt: number;
  /** When its duration ends, ms since the epoch. */
  readonly endsAt: number;
  /** Set once its removal was decided but has not succeeded yet (Toxiproxy unreachable). */
  readonly removing?: string;
}

/** The loop's state, for `/status`. */
export interface ChaosSnapshot {
  readonly seed: number;
  readonly intervalMs: number;
  /** Ticks run since start. */
  readonly ticks: number;
  /** The current run as last read, or null when there is none. */
  readonly run: { readonly runId: string; readonly phase: string; readonly currentPrompt: number | null; readonly heartbeatAt: number } | null;
  /** Whether the last listing of Toxiproxy's proxies succeeded (null before the first). */
  readonly toxiproxyReachable: boolean | null;
  readonly activeToxics: readonly ActiveToxic[];
  /** What steering set for the current run (steering-route.ts): paused, and the TOXIC_PROB and TOXICS the draws use. */
  readonly steering: { readonly paused: boolean; readonly toxicProb: number; readonly toxics: readonly string[] };
  /** Injections since this manager started, and injections that failed. */
  readonly injectedSinceStart: number;
  readonly failedInjections: number;
  /** Lasting problems (Toxiproxy down, database locked), by condition. */
  readonly problems: Readonly<Record<string, string>>;
}

interface HeldToxic {
  readonly plan: ToxicPlan;
  readonly runId: string;
  readonly eventId: number;
  readonly startedAt: number;
  readonly injectedTick: number;
  cancelExpiry: () => void;
  removeReason?: string;
}

/** Marks a tick on which the database could not be read. */
const UNREADABLE = Symbol('unreadable');

/** Runs the chaos loop; see the file comment. */
export class ChaosLoop {
  private readonly deps: ChaosLoopDeps;
  private readonly queue = new SerialQueue();
  private readonly conditions = new ConditionLog();
  /** Injected toxics by proxy name: at most one per proxy. */
  private readonly held = new Map<string, HeldToxic>();
  /** The first tick at which a proxy may take a toxic again (see the file comment). */
  private readonly freeAtTick = new Map<string, number>();
  /** Events whose toxic is gone but whose row could not be closed yet (database locked): when, and why. */
  private readonly pendingCloses = new Map<number, { endedAt: number; endedBy: string }>();
  private random: Random;
  /** The model proxy's own draws (`MODEL_TOXIC_PROB`), so adding it leaves the tool proxies' draws as they were. */
  private modelRandom: Random;
  private run: CurrentRun | undefined;
  private ticks = 0;
  private toxiproxyReachable: boolean | null = null;
  private staleEventsOpen = true;
  private injected = 0;
  private failedInjections = 0;
  private cancelNextTick: (() => void) | undefined;
  private stopped = false;
  /** The current run's steering, as last read (kept as it was when the database cannot answer). */
  private steering: SteeringState = { paused: false };

  constructor(deps: ChaosLoopDeps) {
    this.deps = deps;
    this.random = this.freshRandom(undefined);
    this.modelRandom = this.random.fork('model');
  }

  /**
   * Start-up (DESIGN.md step 1): closes the events of an earlier manager that died at its last
   * heartbeat, records this manager in `parts`, reconciles the proxies, removing every toxic found,
   * then closes the events an earlier manager left open otherwise. Failures are logged; ticks retry them.
   */
  recover(): Promise<void> {
    return this.queue.run(async () => {
      const run = this.readRun();
      if (run !== UNREADABLE) this.follow(run); // so the start-up lines carry the run id
      this.recordPart('start');
      const proxies = await this.sync('start');
      if (proxies) this.closeStaleEvents();
    });
  }

  /** Starts ticking: the first tick at once, then every `CHAOS_INTERVAL_MS` after the start of the previous one. */
  start(): void {
    if (this.stopped || this.cancelNextTick) return;
    this.scheduleTick(0);
  }

  /** Runs one tick now, behind any job in progress. Never rejects. */
  tick(): Promise<void> {
    return this.queue.run(() => this.runTick());
  }

  /**
   * Stops ticking and removes every toxic the loop injected, closing their events (DESIGN.md step 4).
   * A toxic that cannot be removed (Toxiproxy unreachable) is logged; the next start removes it and
   * closes its event.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelNextTick?.();
    await this.queue.run(async () => {
      await this.deps.schedule?.stop();
      // In parallel: each proxy's removal may wait out its retries when Toxiproxy is unreachable.
      await Promise.all([...this.held.values()].map((held) => this.removeHeld(held, 'shutting down')));
      this.retryPendingCloses();
      this.recordPart('stop');
      for (const held of this.held.values()) {
        this.logFor(held.runId).error({ proxy: held.plan.proxy, toxic: held.plan.name, eventId: held.eventId }, 'toxic left behind at shutdown: the next start removes it and closes its event');
      }
    });
  }

  /** The run the loop follows now, if any. */
  currentRunId(): string | undefined {
    return this.run?.runId;
  }

  /** The loop's state (see {@link ChaosSnapshot}). */
  snapshot(): ChaosSnapshot {
    const { settings } = this.deps;
    return {
      seed: settings.CHAOS_SEED,
      intervalMs: settings.CHAOS_INTERVAL_MS,
      ticks: this.ticks,
      run: this.run
        ? { runId: this.run.runId, phase: this.run.phase, currentPrompt: this.run.currentPrompt, heartbeatAt: this.run.heartbeatAt }
        : null,
      toxiproxyReachable: this.toxiproxyReachable,
      steering: { paused: this.steering.paused, toxicProb: this.steering.TOXIC_PROB ?? settings.TOXIC_PROB, toxics: this.steering.TOXICS ?? settings.TOXICS },
      activeToxics: [...this.held.values()].map((h) => ({
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
      })),
      injectedSinceStart: this.injected,
      failedInjections: this.failedInjections,
      problems: this.conditions.all(),
    };
  }

  /** The chaos source of a run: from the seed the run recorded, so the run replays from it alone. */
  /** One active tick's draws: the tool proxies at `TOXIC_PROB`, then `model_proxy` (when kept) at `MODEL_TOXIC_PROB`. */
  private drawPlans(): (ToxicPlan | undefined)[] {
    const { desired } = this.deps;
    const settings = { ...this.deps.settings, TOXIC_PROB: this.steering.TOXIC_PROB ?? this.deps.settings.TOXIC_PROB, TOXICS: this.steering.TOXICS ?? this.deps.settings.TOXICS };
    const tools = desired.filter((d) => d.service !== MODEL_PART.name).map((d) => d.name);
    const model = desired.filter((d) => d.service === MODEL_PART.name).map((d) => d.name);
    const modelPlans = model.length > 0 && settings.MODEL_TOXIC_PROB > 0 ? drawTick(this.modelRandom, model, { ...settings, TOXIC_PROB: settings.MODEL_TOXIC_PROB }) : [];
    return [...drawTick(this.random, tools, settings), ...modelPlans];
  }

  private freshRandom(run: CurrentRun | undefined): Random {
    return createRandom(run?.seed ?? this.deps.settings.CHAOS_SEED).fork('chaos');
  }

  private scheduleTick(delayMs: number): void {
    const { clock, settings } = this.deps;
    this.cancelNextTick = clock.setTimeout(() => {
      const startedAt = clock.now();
      void this.tick().then(() => {
        if (!this.stopped) this.scheduleTick(settings.CHAOS_INTERVAL_MS - (clock.now() - startedAt));
      });
    }, delayMs);
  }

  private async runTick(): Promise<void> {
    if (this.stopped) return;
    const tick = ++this.ticks;
    try {
      const run = this.readRun();
      this.recordPart('tick');
      const proxies = await this.sync('tick');
      this.retryPendingCloses();
      if (proxies && this.staleEventsOpen) this.closeStaleEvents();
      if (run === UNREADABLE) return;
      this.follow(run);
      const silent = run ? this.agentSilent(run) : false;
      this.readSteering(run);
      const active = run?.phase === 'active' && !silent && !this.steering.paused;
      // Drawn even when Toxiproxy is unreachable, so the draws depend on the active ticks alone.
      const plans = active ? this.drawPlans() : [];
      if (!active) this.freeAtTick.clear();
      // The random per-tick injection above is the plan's `random` trigger too (see fault-schedule.ts).
      await this.deps.schedule?.onTick(run, active);
      if (!proxies) return;
      await this.removeDue(tick, run, active);
      if (run && active) await this.injectPlans(tick, run, plans, new Set(proxies.map((p) => p.name)));
    } catch (err) {
      this.logFor(this.run?.runId).error({ err }, 'chaos tick failed');
    }
  }

  /** Reads the current run; UNREADABLE when the database cannot answer (locked, I/O error). */
  private readRun(): CurrentRun | undefined | typeof UNREADABLE {
    try {
      const run = currentRun(this.deps.db);
      this.conditions.report('run state', undefined, this.logFor(run?.runId));
      return run;
    } catch (err) {
      this.conditions.report('run state', `cannot read the run's phase (${(err as Error).message}); keeping toxics as they are`, this.logFor(this.run?.runId));
      return UNREADABLE;
    }
  }

  /** Reads the run's steering; on a database error keeps what was read last (logged as a condition). */
  private readSteering(run: CurrentRun | undefined): void {
    try {
      this.steering = run ? steeringState(this.deps.db, run.runId) : { paused: false };
      this.conditions.report('steering', undefined, this.logFor(run?.runId));
    } catch (err) {
      this.conditions.report('steering', `cannot read the run's steering (${(err as Error).message}); keeping the last read`, this.logFor(run?.runId));
    }
  }

  /** Takes a newly read run: a new run gets a fresh random source; a phase change is logged. */
  private follow(run: CurrentRun | undefined): void {
    const before = this.run;
    this.run = run;
    if (run?.runId !== before?.runId) {
      this.random = this.freshRandom(run);
      this.modelRandom = this.random.fork('model');
      this.freeAtTick.clear();
      if (run) this.logFor(run.runId).info({ phase: run.phase, seed: run.seed }, 'following run');
    } else if (run && before && run.phase !== before.phase) {
      this.logFor(run.runId).info({ from: before.phase, to: run.phase }, 'run phase changed');
    }
  }

  /**
   * Lists Toxiproxy's proxies, notices injected toxics that vanished, and reconciles.
   * @returns the proxies that exist now (listed or just created), or undefined when Toxiproxy is unreachable
   */
  private async sync(when: 'start' | 'tick'): Promise<ProxyState[] | undefined> {
    const { gateway, desired } = this.deps;
    const log = this.logFor(this.run?.runId);
    let proxies: ProxyState[];
    try {
      proxies = await gateway.listProxies();
    } catch (err) {
      this.toxiproxyReachable = false;
      this.conditions.report('toxiproxy', (err as Error).message, log);
      return undefined;
    }
    this.toxiproxyReachable = true;
    this.conditions.report('toxiproxy', undefined, log);
    this.noticeVanished(proxies);
    const result = await reconcileProxies(gateway, desired, proxies, (proxy, toxic) => this.held.get(proxy)?.plan.name === toxic || (this.deps.schedule?.owns(proxy, toxic) ?? false), log);
    if (when === 'start') log.info({ ...result, proxies: desired.length }, 'reconciled proxies at start');
    else if (result.created.length > 0) log.warn({ created: result.created }, 'proxies were missing (Toxiproxy restarted?): recreated');
    else if (madeChanges(result)) log.info(result, 'reconciled proxies');
    this.conditions.report('proxies', result.failures.length > 0 ? `not reconciled, retrying: ${result.failures.join('; ')}` : undefined, log);
    const created = desired.filter((d) => result.created.includes(d.name));
    return [...proxies, ...created.map((d) => ({ name: d.name, listen: d.listen, upstream: d.upstream, enabled: true, toxics: [] }))];
  }

  /** Closes the events of injected toxics Toxiproxy no longer has (it restarted, or someone removed them). */
  private noticeVanished(proxies: readonly ProxyState[]): void {
    const byName = new Map(proxies.map((p) => [p.name, p]));
    for (const held of [...this.held.values()]) {
      const present = byName.get(held.plan.proxy)?.toxics.some((t) => t.name === held.plan.name);
      if (present) continue;
      this.release(held);
      // The proxy is free again at once: the replay guarantee holds for an undisturbed timeline only.
      this.freeAtTick.delete(held.plan.proxy);
      this.logFor(held.runId).warn(
        { proxy: held.plan.proxy, toxic: held.plan.name, eventId: held.eventId },
        'toxic vanished from Toxiproxy (restarted, or removed by someone else): event closed',
      );
    }
  }

  /**
   * Keeps this manager's `parts` row: at start, first closes what a dead predecessor left open at its
   * last heartbeat; every tick, a heartbeat; at stop, the stop time. A failed write is a condition,
   * retried next tick.
   */
  private recordPart(when: 'start' | 'tick' | 'stop'): void {
    const { db, clock } = this.deps;
    const log = this.logFor(this.run?.runId);
    try {
      if (when === 'start') {
        const closed = closeEventsOfLostManager(db);
        if (closed > 0) log.warn({ closed }, 'closed the toxic events of a proxy-manager that died, at its last heartbeat');
        partStarted(db, PROXY_MANAGER_PART, process.pid, clock.now());
      } else if (when === 'tick') {
        partHeartbeat(db, PROXY_MANAGER_PART, clock.now(), this.run?.runId ?? null);
      } else {
        partStopped(db, PROXY_MANAGER_PART, clock.now());
      }
      this.conditions.report('heartbeat', undefined, log);
    } catch (err) {
      this.conditions.report('heartbeat', `cannot record the manager in parts (${(err as Error).message}); retrying`, log);
    }
  }

  /** Closes open events no live toxic of this loop owns: those of a manager that died. */
  private closeStaleEvents(): void {
    const keep = new Set([...this.held.values()].map((h) => h.eventId));
    try {
      const closed = closeOpenToxicEvents(this.deps.db, this.deps.clock.now(), keep);
      this.staleEventsOpen = false;
      this.conditions.report('toxic events', undefined, this.logFor(this.run?.runId));
      for (const e of closed) {
        this.logFor(e.runId ?? undefined).info({ eventId: e.id, proxy: e.proxy, toxic: e.name }, 'closed a toxic event an earlier proxy-manager left open');
      }
    } catch (err) {
      this.conditions.report('toxic events', `cannot close stale toxic events (${(err as Error).message}); retrying`, this.logFor(this.run?.runId));
    }
  }

  /**
   * True when the run says `active` but its agent's heartbeat is older than `HEARTBEAT_STALE_MS`:
   * the agent died without saying so, and chaos for nobody is stopped until it beats again.
   */
  private agentSilent(run: CurrentRun): boolean {
    const limitMs = this.deps.settings.HEARTBEAT_STALE_MS;
    const ageMs = this.deps.clock.now() - run.heartbeatAt;
    const silent = run.phase === 'active' && limitMs > 0 && ageMs > limitMs;
    const problem = silent ? `the agent of active run ${run.runId} last beat ${ageMs} ms ago (HEARTBEAT_STALE_MS=${limitMs}): treating the run as idle` : undefined;
    this.conditions.report('agent heartbeat', problem, this.logFor(run.runId));
    return silent;
  }

  /** Removes every injected toxic whose time has come (see {@link removalReason}). */
  private async removeDue(tick: number, run: CurrentRun | undefined, active: boolean): Promise<void> {
    for (const held of [...this.held.values()]) {
      const reason = this.removalReason(held, tick, run, active);
      if (reason) await this.removeHeld(held, reason);
    }
  }

  /** Why an injected toxic must go now, or undefined when it stays. */
  private removalReason(held: HeldToxic, tick: number, run: CurrentRun | undefined, active: boolean): string | undefined {
    if (held.removeReason) return held.removeReason;
    if (!run) return 'no current run';
    if (held.runId !== run.runId) return 'another run started';
    if (run.phase !== 'active') return `run is ${run.phase}`;
    if (this.steering.paused) return 'chaos paused';
    if (!active) return 'agent heartbeat stale';
    if (tick >= this.freeTick(held)) return 'duration ended';
    return undefined;
  }

  private freeTick(held: HeldToxic): number {
    return held.injectedTick + Math.ceil(held.plan.durationMs / this.deps.settings.CHAOS_INTERVAL_MS);
  }

  private async injectPlans(tick: number, run: CurrentRun, plans: readonly (ToxicPlan | undefined)[], existing: ReadonlySet<string>): Promise<void> {
    const log = this.logFor(run.runId);
    for (const plan of plans) {
      if (!plan) continue;
      if (this.held.has(plan.proxy) || tick < (this.freeAtTick.get(plan.proxy) ?? 0)) {
        log.debug({ proxy: plan.proxy, type: plan.type }, 'drawn toxic skipped: the proxy holds one');
      } else if (!existing.has(plan.proxy)) {
        log.debug({ proxy: plan.proxy, type: plan.type }, 'drawn toxic skipped: the proxy does not exist (see the proxies condition)');
      } else {
        await this.inject(tick, run, plan);
      }
    }
  }

  /** Adds one toxic, records its event and arms its expiry. */
  private async inject(tick: number, run: CurrentRun, plan: ToxicPlan): Promise<void> {
    const { gateway, db, clock } = this.deps;
    const log = this.logFor(run.runId).child({ proxy: plan.proxy, toxic: plan.name });
    try {
      await gateway.addToxic(plan.proxy, plan);
    } catch (err) {
      this.failedInjections++;
      log.warn({ err: (err as Error).message, type: plan.type }, 'toxic injection failed');
      return;
    }
    const startedAt = clock.now();
    let eventId: number;
    try {
      eventId = openToxicEvent(db, { runId: run.runId, ...plan, startedAt });
    } catch (err) {
      this.failedInjections++;
      this.conditions.report('toxic events', `cannot record injections (${(err as Error).message})`, log);
      log.error('injection not recorded: removing the toxic (reconciliation retries if this fails)');
      await gateway.removeToxic(plan.proxy, plan).catch(() => undefined);
      return;
    }
    const held: HeldToxic = { plan, runId: run.runId, eventId, startedAt, injectedTick: tick, cancelExpiry: () => undefined };
    held.cancelExpiry = clock.setTimeout(() => void this.queue.run(() => this.expire(held)), plan.durationMs);
    this.held.set(plan.proxy, held);
    this.freeAtTick.set(plan.proxy, this.freeTick(held));
    this.injected++;
    toxicStarted(plan, 'chaos_loop');
    log.info(
      { eventId, type: plan.type, stream: plan.stream, toxicity: plan.toxicity, attributes: plan.attributes, durationMs: plan.durationMs },
      'toxic injected',
    );
  }

  private async expire(held: HeldToxic): Promise<void> {
    if (this.held.get(held.plan.proxy) === held) await this.removeHeld(held, 'duration ended');
  }

  /**
   * Removes an injected toxic from Toxiproxy and closes its event.
   * @returns false when Toxiproxy could not be told (the toxic stays tracked and is retried next tick)
   */
  private async removeHeld(held: HeldToxic, reason: string): Promise<boolean> {
    held.removeReason ??= reason;
    held.cancelExpiry();
    const log = this.logFor(held.runId).child({ proxy: held.plan.proxy, toxic: held.plan.name, eventId: held.eventId });
    try {
      await this.deps.gateway.removeToxic(held.plan.proxy, held.plan);
    } catch (err) {
      if (this.stopped && toxiproxyGone(err)) {
        // No later tick will see it vanish: Toxiproxy is not listening, and its toxics died with it.
        this.release(held, ENDED_BY_TOXIPROXY_LOST);
        log.warn({ reason: held.removeReason }, 'Toxiproxy refuses connections at shutdown: its toxic went with it; event closed');
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
    const endedAt = this.deps.clock.now();
    this.pendingCloses.set(held.eventId, { endedAt, endedBy });
    this.retryPendingCloses();
    return endedAt;
  }

  private retryPendingCloses(): void {
    for (const [eventId, { endedAt, endedBy }] of this.pendingCloses) {
      try {
        closeToxicEvent(this.deps.db, eventId, endedAt, endedBy);
        this.pendingCloses.delete(eventId);
      } catch (err) {
        this.conditions.report('toxic events', `cannot close toxic events (${(err as Error).message}); retrying`, this.logFor(this.run?.runId));
        return;
      }
      this.conditions.report('toxic events', undefined, this.logFor(this.run?.runId));
    }
  }

  /** The logger bound to a run (or the plain one when there is none). */
  private logFor(runId: string | undefined): Logger {
    return runId ? this.deps.logger.child({ run_id: runId }) : this.deps.logger;
  }
}

/** True when a Toxiproxy call failed because nothing listens at its API (connection refused). */
function toxiproxyGone(err: unknown): boolean {
  return err instanceof LabError && err.code === 'TOXIPROXY' && err.details?.errorCode === 'ECONNREFUSED';
}
