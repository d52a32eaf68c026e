/**
 * The chaos loop: every `CHAOS_INTERVAL_MS` it reads the current run's phase from SQLite, reconciles
 * Toxiproxy's proxies, and while the run is `active` (and its agent's heartbeat is fresh:
 * `HEARTBEAT_STALE_MS`) injects toxics drawn from the seeded source, each recorded as one
 * `toxic_events` row and removed when its duration ends, when the run leaves `active`, when another
 * run starts, and on shutdown. One tick:
 *
 *   tick ──► read run (control) ──► list proxies ──► reconcile ──► remove due toxics ──► inject
 *              │ locked: keep all      │ down: no changes          (missing → create,   (active ticks:
 *              ▼ as is                 ▼ (draws still made)         foreign → remove)    drawTick)
 *
 * The run, its steering and its draws are read in `followed-run.ts`; the injected toxics are held in
 * `held-toxics.ts` (a proxy's busy time counted in ticks, for replay); toxics made by hand with a
 * Toxiproxy client are kept and recorded as manual faults (`manual-toxics.ts`); every tick stamps the
 * manager's heartbeat in `parts` (`manager-part.ts`), so the events of a manager that dies are closed
 * at its last heartbeat.
 *
 * Jobs run one at a time on a {@link SerialQueue}: a tick, a toxic's expiry, shutdown. A failed
 * Toxiproxy call or database write is logged and retried on a later tick; nothing here throws out of
 * the loop.
 */
import type { CurrentRun } from '@chaos-lab/common';
import type { ProxyState } from '../toxiproxy/gateway.js';
import { madeChanges, reconcileProxies } from '../toxiproxy/reconcile.js';
import { SerialQueue } from '../util/serial-queue.js';
import { ConditionLog } from './conditions.js';
import { loopContext, type ChaosLoopDeps, type LoopContext } from './context.js';
import { FollowedRun, UNREADABLE } from './followed-run.js';
import { HeldToxics } from './held-toxics.js';
import { closeStaleEvents, recordManagerPart } from './manager-part.js';
import { ManualToxics } from './manual-toxics.js';
import type { ChaosSnapshot } from './snapshot.js';

/** Runs the chaos loop; see the file comment. */
export class ChaosLoop {
  private readonly deps: ChaosLoopDeps;
  private readonly ctx: LoopContext;
  private readonly queue = new SerialQueue();
  private readonly conditions = new ConditionLog();
  private readonly followed: FollowedRun;
  private readonly held: HeldToxics;
  private readonly manual: ManualToxics;
  private ticks = 0;
  private toxiproxyReachable: boolean | null = null;
  private staleEventsOpen = true;
  private cancelNextTick: (() => void) | undefined;
  private stopped = false;

  constructor(deps: ChaosLoopDeps) {
    this.deps = deps;
    this.ctx = loopContext(deps, this.conditions, () => this.followed.current?.runId);
    this.followed = new FollowedRun(this.ctx);
    this.held = new HeldToxics(this.ctx, this.queue, () => this.stopped);
    this.manual = new ManualToxics(this.ctx);
  }

  /**
   * Start-up: closes the events of an earlier manager that died at its last heartbeat, records this
   * manager in `parts`, reconciles the proxies, removing every lab toxic found (hand-made ones are
   * kept and recorded), then closes the events an earlier manager left open otherwise. Failures are
   * logged; ticks retry them.
   */
  recover(): Promise<void> {
    return this.queue.run(async () => {
      const run = this.followed.read();
      if (run !== UNREADABLE) this.follow(run); // so the start-up lines carry the run id
      recordManagerPart(this.ctx, 'start');
      const proxies = await this.sync('start', this.currentRunId());
      if (proxies) this.tryCloseStaleEvents();
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
   * Stops ticking and removes every toxic the loop injected, closing their events, and rolls back the
   * run's planned faults. A toxic that cannot be removed (Toxiproxy unreachable) is logged; the next
   * start removes it and closes its event. Hand-made toxics stay (they are the user's); their events
   * are closed (`manager_stopped`).
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelNextTick?.();
    await this.queue.run(async () => {
      await this.deps.schedule?.stop();
      await this.held.removeAll('shutting down');
      this.manual.closeAll();
      recordManagerPart(this.ctx, 'stop');
      this.held.logLeftBehind();
    });
  }

  /** The run the loop follows now, if any. */
  currentRunId(): string | undefined {
    return this.followed.current?.runId;
  }

  /** The loop's state (see {@link ChaosSnapshot}). */
  snapshot(): ChaosSnapshot {
    const { settings } = this.deps;
    const run = this.followed.current;
    return {
      seed: settings.CHAOS_SEED,
      intervalMs: settings.CHAOS_INTERVAL_MS,
      ticks: this.ticks,
      run: run
        ? { runId: run.runId, phase: run.phase, currentPrompt: run.currentPrompt, heartbeatAt: run.heartbeatAt }
        : null,
      toxiproxyReachable: this.toxiproxyReachable,
      steering: this.followed.steered(),
      activeToxics: this.held.active(),
      injectedSinceStart: this.held.injected,
      failedInjections: this.held.failedInjections,
      problems: this.conditions.all(),
    };
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
      const run = this.followed.read();
      recordManagerPart(this.ctx, 'tick');
      const proxies = await this.sync('tick', run === UNREADABLE ? this.currentRunId() : run?.runId);
      this.held.retryPendingCloses();
      if (proxies && this.staleEventsOpen) this.tryCloseStaleEvents();
      if (run === UNREADABLE) return;
      this.follow(run);
      const silent = run ? this.followed.agentSilent(run) : false;
      this.followed.readSteering(run);
      const paused = this.followed.paused;
      const active = run?.phase === 'active' && !silent && !paused;
      // Drawn even when Toxiproxy is unreachable, so the draws depend on the active ticks alone.
      const plans = active ? this.followed.draw() : [];
      if (!active) this.held.clearFreeTicks();
      // The random per-tick injection above is the plan's `random` trigger too (see schedule/fault-schedule.ts).
      await this.deps.schedule?.onTick(run, active);
      if (!proxies) return;
      await this.held.removeDue(tick, run, active, paused);
      if (run && active) await this.held.injectPlans(tick, run, plans, new Set(proxies.map((p) => p.name)));
    } catch (err) {
      this.ctx.logFor(this.currentRunId()).error({ err }, 'chaos tick failed');
    }
  }

  /** Follows a newly read run; a new run frees every proxy at once. */
  private follow(run: CurrentRun | undefined): void {
    if (this.followed.follow(run)) this.held.clearFreeTicks();
  }

  /** Closes the events a dead manager left open, until that succeeds once. */
  private tryCloseStaleEvents(): void {
    const keep = new Set([...this.held.eventIds(), ...this.manual.eventIds()]);
    if (closeStaleEvents(this.ctx, keep)) this.staleEventsOpen = false;
  }

  /**
   * Lists Toxiproxy's proxies, notices injected toxics that vanished, reconciles, and records the
   * hand-made toxics found.
   * @param runId the run just read (the hand-made toxics' events belong to it)
   * @returns the proxies that exist now (listed or just created), or undefined when Toxiproxy is unreachable
   */
  private async sync(when: 'start' | 'tick', runId: string | undefined): Promise<ProxyState[] | undefined> {
    const { gateway, desired } = this.deps;
    const log = this.ctx.logFor(this.currentRunId());
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
    this.held.noticeVanished(proxies);
    const owned = (proxy: string, toxic: string) =>
      this.held.owns(proxy, toxic) || (this.deps.schedule?.owns(proxy, toxic) ?? false);
    const result = await reconcileProxies(gateway, desired, proxies, owned, log);
    this.manual.observe(result.handMade, runId);
    if (when === 'start') log.info({ ...result, proxies: desired.length }, 'reconciled proxies at start');
    else if (result.created.length > 0)
      log.warn({ created: result.created }, 'proxies were missing (Toxiproxy restarted?): recreated');
    else if (madeChanges(result)) log.info({ ...result, handMade: undefined }, 'reconciled proxies');
    this.conditions.report(
      'proxies',
      result.failures.length > 0 ? `not reconciled, retrying: ${result.failures.join('; ')}` : undefined,
      log,
    );
    const created = desired.filter((d) => result.created.includes(d.name));
    return [
      ...proxies,
      ...created.map((d) => ({ name: d.name, listen: d.listen, upstream: d.upstream, enabled: true, toxics: [] })),
    ];
  }
}
