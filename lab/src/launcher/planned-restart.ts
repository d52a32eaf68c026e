/**
 * A tool service's restart timed to a planned kill or stop, for the supervisor (`supervisor.ts`
 * restarts; this says when, and with which process):
 *
 *   service watched, the run's plan kills or stops it ──► standby started (loaded, waiting for `go`)
 *   service died ──► while its planned `service` event is open: wait until its due end less the
 *                    expected go-to-healthy time (a standby) or restart time (none) ──► go / spawn
 *   service healthy again ──► the estimate learnt; the planned event ended with the outage
 */
import { setTimeout as delay } from 'node:timers/promises';
import { readFaultPlan, targetServices, type Database, type FaultTarget, type Logger } from '@chaos-lab/common';
import type { LabChild } from './child.js';
import { endPlannedDowntime, openPlannedDowntime } from './service-events.js';

/** How often a planned downtime's end is looked for in the record, ms. */
const PLANNED_DOWNTIME_POLL_MS = 20;

/** How long a tool service's restart (spawn to healthy) is expected to take before one was measured, ms. */
export const DEFAULT_RESTART_ESTIMATE_MS = 1500;

/** How long a prepared tool service (built, waiting to listen) takes from `go` to healthy before one was measured, ms. */
export const DEFAULT_GO_ESTIMATE_MS = 100;

/** What timing restarts to planned downtimes needs. */
export interface PlannedRestartDeps {
  readonly db: Database;
  readonly runId: string;
  readonly logger: Logger;
  /** Writes one line to the console. */
  readonly say: (line: string) => void;
  /** The launcher's list of children: standbys are added to it, so the stop reaches them. */
  readonly children: LabChild[];
  /**
   * How long a tool service's restart (spawn to healthy) is expected to take on this machine until one
   * is measured, ms (e.g. how long the tools took to start; default {@link DEFAULT_RESTART_ESTIMATE_MS}).
   * A planned kill or stop is restarted that much ahead of its due end; each restart measured replaces it.
   */
  readonly restartEstimateMs?: number;
  /**
   * Starts a tool service's process that loads, then listens only after a line `go` on its standard
   * input (`chaos-lab tool <name> --wait-for-go`, with a stdin pipe), without recording its pid (the
   * supervisor records it in `parts` when it says `go`); returns undefined for a service that cannot be
   * prepared (a lab file's own command). Absent: a planned kill or stop is restarted cold, ahead by the
   * last restart's time.
   */
  readonly prepareTool?: (service: string) => LabChild | undefined;
  /** Clock, ms since the epoch. */
  readonly now?: () => number;
}

/** What a dead service's restart starts from: its standby (if any) and the planned event that kept it down. */
export interface RestartStart {
  /** The standby to tell `go`, alive when the wait began (undefined: spawn a new process). */
  readonly prepared: LabChild | undefined;
  /** The id of the planned event that kept the service down, or undefined when none did. */
  readonly planned: number | undefined;
}

/** See the file comment. */
export class PlannedRestarts {
  readonly #deps: PlannedRestartDeps;
  readonly #now: () => number;
  /** A restart's expected time, spawn to healthy, ms: the estimate given, then learnt from each restart. */
  #restartMs: number;
  /** A prepared restart's expected time, `go` to healthy, ms, learnt from each one. */
  #goMs = DEFAULT_GO_ESTIMATE_MS;
  /** Per service the plan kills or stops: a replacement loaded and waiting for `go`. */
  readonly #standbys = new Map<string, LabChild>();
  #stopped = false;

  constructor(deps: PlannedRestartDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#restartMs = deps.restartEstimateMs ?? DEFAULT_RESTART_ESTIMATE_MS;
  }

  /** Starts a standby for `service` when the run's plan kills or stops it and it has none alive. */
  prepareStandby(service: string): void {
    const { prepareTool, db, runId, logger } = this.#deps;
    if (!prepareTool || this.#stopped || this.#standbys.get(service)?.hasExited() === false) return;
    let plan: ReturnType<typeof readFaultPlan>;
    try {
      plan = readFaultPlan(db, runId);
    } catch (err) {
      logger.warn({ err, service }, 'fault plan not readable: no standby for the service');
      return;
    }
    const downs = (plan?.faults ?? []).some(
      (f) =>
        f.kind === 'service' &&
        (f.action === 'kill' || f.action === 'stop') &&
        targetServices(f).includes(service as FaultTarget),
    );
    const child = downs ? prepareTool(service) : undefined;
    if (!child) return;
    this.#deps.children.push(child);
    this.#standbys.set(service, child);
  }

  /**
   * Waits until a dead `service` should be restarted: at once, or (a planned kill or stop) ahead of the
   * fault's due end by the expected time of the restart it will get (its standby's `go` to healthy, or a
   * new process's spawn to healthy), or until the fault's event is closed. Returns early, with what it
   * knew, once stopped.
   */
  async waitToRestart(service: string): Promise<RestartStart> {
    const prepared = this.#takeStandby(service);
    const planned = await this.#plannedDowntime(service, prepared ? this.#goMs : this.#restartMs);
    return { prepared, planned };
  }

  /**
   * A restart measured: learns its time and ends the planned event that kept the service down with
   * the outage (logged when it cannot).
   * @param go whether the standby was told `go` (else a new process was spawned)
   * @param restartMs spawn (or `go`) to healthy, ms
   * @param back when the service answered again (ms since the epoch), and how long it was down (ms)
   */
  restarted(
    service: string,
    planned: number | undefined,
    go: boolean,
    restartMs: number,
    back: { readonly at: number; readonly outageMs: number },
  ): void {
    // Learnt as the mean of the estimate and this measure, so one fast or slow restart moves it half way.
    if (go) this.#goMs = Math.round((this.#goMs + restartMs) / 2);
    else this.#restartMs = Math.round((this.#restartMs + restartMs) / 2);
    if (planned === undefined) return;
    try {
      endPlannedDowntime(this.#deps.db, planned, back.at, back.outageMs);
    } catch (err) {
      this.#deps.logger.error({ err, service, eventId: planned }, 'could not end a planned fault with its outage');
    }
  }

  /** Stops preparing standbys and waiting for planned downtimes (the run is over, or the lab is stopping). */
  stop(): void {
    this.#stopped = true;
  }

  /**
   * Waits while the fault plan keeps the service down: an open planned `service` event of type kill or
   * stop (proxy-manager/src/schedule/faults/service.ts) for it, until its due end less the last
   * restart's time (so the service answers again when the fault is due to end), or until the manager
   * closes it (a fault with no set end).
   * @param leadMs how long before the due end to return: the time the restart is expected to take
   * @returns the id of the planned event that kept it down, or undefined when none did
   */
  async #plannedDowntime(service: string, leadMs: number): Promise<number | undefined> {
    let planned: number | undefined;
    while (!this.#stopped) {
      const open = openPlannedDowntime(this.#deps.db, this.#deps.runId, service);
      if (!open) return planned;
      if (planned === undefined)
        this.#deps.say(
          `chaos-lab: the fault plan keeps the ${service} tool service down; restarting it for the fault's end`,
        );
      planned = open.id;
      if (open.dueAt !== null && this.#now() >= open.dueAt - leadMs) return planned;
      await delay(PLANNED_DOWNTIME_POLL_MS);
    }
    return planned;
  }

  /** The service's standby, alive and waiting for `go`, while the fault plan keeps the service down. */
  #takeStandby(service: string): LabChild | undefined {
    const child = this.#standbys.get(service);
    if (!child || child.hasExited() || !openPlannedDowntime(this.#deps.db, this.#deps.runId, service)) return undefined;
    this.#standbys.delete(service);
    return child;
  }
}
