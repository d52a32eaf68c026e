/**
 * The run the chaos loop follows, as each tick reads it: the current run and its phase (the control
 * tables), its steering, whether its agent still beats, and the seeded sources its draws come from.
 *
 * Replay: the random source is `createRandom(seed).fork('chaos')` with the seed the run recorded
 * (`runs.seed`; `CHAOS_SEED` before any run), created afresh when a new run becomes current, and every
 * active tick draws a decision for every proxy (see `draw.ts`).
 *
 * Steering (common/src/steering.ts): every tick reads the run's `steering_changes`; the latest
 * TOXIC_PROB and TOXICS replace the settings' in the draws, and while chaos is paused the tick counts
 * as not active (no draw, toxics removed), so a replay that follows the recorded changes by tick
 * makes the same draws.
 */
import {
  createRandom,
  currentRun,
  MODEL_PART,
  steeringState,
  type CurrentRun,
  type Random,
  type SteeringState,
} from '@chaos-lab/common';
import type { LoopContext } from './context.js';
import { drawTick, type ToxicPlan } from './draw.js';

/** Marks a tick on which the database could not be read. */
export const UNREADABLE = Symbol('unreadable');

/** The run the loop follows; see the file comment. */
export class FollowedRun {
  private readonly ctx: LoopContext;
  private run: CurrentRun | undefined;
  /** The current run's steering, as last read (kept as it was when the database cannot answer). */
  private steering: SteeringState = { paused: false };
  private random: Random;
  /** The model proxy's own draws (`MODEL_TOXIC_PROB`), so adding it leaves the tool proxies' draws as they were. */
  private modelRandom: Random;

  constructor(ctx: LoopContext) {
    this.ctx = ctx;
    this.random = this.freshRandom(undefined);
    this.modelRandom = this.random.fork('model');
  }

  /** The run as last followed, if any. */
  get current(): CurrentRun | undefined {
    return this.run;
  }

  /** Whether steering paused chaos for the current run. */
  get paused(): boolean {
    return this.steering.paused;
  }

  /** What steering set, for `/status`: paused, and the TOXIC_PROB and TOXICS the draws use. */
  steered(): { paused: boolean; toxicProb: number; toxics: readonly string[] } {
    const { settings } = this.ctx.deps;
    return {
      paused: this.steering.paused,
      toxicProb: this.steering.TOXIC_PROB ?? settings.TOXIC_PROB,
      toxics: this.steering.TOXICS ?? settings.TOXICS,
    };
  }

  /** Reads the current run; UNREADABLE when the database cannot answer (locked, I/O error). */
  read(): CurrentRun | undefined | typeof UNREADABLE {
    const { conditions, logFor } = this.ctx;
    try {
      const run = currentRun(this.ctx.deps.db);
      conditions.report('run state', undefined, logFor(run?.runId));
      return run;
    } catch (err) {
      conditions.report(
        'run state',
        `cannot read the run's phase (${(err as Error).message}); keeping toxics as they are`,
        logFor(this.run?.runId),
      );
      return UNREADABLE;
    }
  }

  /**
   * Takes a newly read run: a new run gets a fresh random source; a phase change is logged.
   * @returns true when another run (or none) became current
   */
  follow(run: CurrentRun | undefined): boolean {
    const before = this.run;
    this.run = run;
    if (run?.runId !== before?.runId) {
      this.random = this.freshRandom(run);
      this.modelRandom = this.random.fork('model');
      if (run) this.ctx.logFor(run.runId).info({ phase: run.phase, seed: run.seed }, 'following run');
      return true;
    }
    if (run && before && run.phase !== before.phase) {
      this.ctx.logFor(run.runId).info({ from: before.phase, to: run.phase }, 'run phase changed');
    }
    return false;
  }

  /** Reads the run's steering; on a database error keeps what was read last (logged as a condition). */
  readSteering(run: CurrentRun | undefined): void {
    const { conditions, logFor } = this.ctx;
    try {
      this.steering = run ? steeringState(this.ctx.deps.db, run.runId) : { paused: false };
      conditions.report('steering', undefined, logFor(run?.runId));
    } catch (err) {
      conditions.report(
        'steering',
        `cannot read the run's steering (${(err as Error).message}); keeping the last read`,
        logFor(run?.runId),
      );
    }
  }

  /**
   * True when the run says `active` but its agent's heartbeat is older than `HEARTBEAT_STALE_MS`:
   * the agent died without saying so, and chaos for nobody is stopped until it beats again.
   */
  agentSilent(run: CurrentRun): boolean {
    const { settings, clock } = this.ctx.deps;
    const limitMs = settings.HEARTBEAT_STALE_MS;
    const ageMs = clock.now() - run.heartbeatAt;
    const silent = run.phase === 'active' && limitMs > 0 && ageMs > limitMs;
    const problem = silent
      ? `the agent of active run ${run.runId} last beat ${ageMs} ms ago (HEARTBEAT_STALE_MS=${limitMs}): treating the run as idle`
      : undefined;
    this.ctx.conditions.report('agent heartbeat', problem, this.ctx.logFor(run.runId));
    return silent;
  }

  /** One active tick's draws: the tool proxies at `TOXIC_PROB`, then `model_proxy` (when kept) at `MODEL_TOXIC_PROB`. */
  draw(): (ToxicPlan | undefined)[] {
    const { desired } = this.ctx.deps;
    const settings = {
      ...this.ctx.deps.settings,
      TOXIC_PROB: this.steering.TOXIC_PROB ?? this.ctx.deps.settings.TOXIC_PROB,
      TOXICS: this.steering.TOXICS ?? this.ctx.deps.settings.TOXICS,
    };
    const tools = desired.filter((d) => d.service !== MODEL_PART.name).map((d) => d.name);
    const model = desired.filter((d) => d.service === MODEL_PART.name).map((d) => d.name);
    const modelPlans =
      model.length > 0 && settings.MODEL_TOXIC_PROB > 0
        ? drawTick(this.modelRandom, model, { ...settings, TOXIC_PROB: settings.MODEL_TOXIC_PROB })
        : [];
    return [...drawTick(this.random, tools, settings), ...modelPlans];
  }

  /** The chaos source of a run: from the seed the run recorded, so the run replays from it alone. */
  private freshRandom(run: CurrentRun | undefined): Random {
    return createRandom(run?.seed ?? this.ctx.deps.settings.CHAOS_SEED).fork('chaos');
  }
}
