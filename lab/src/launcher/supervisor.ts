/**
 * Watches the lab's parts while a run is on, and says at once on the console when one dies:
 *
 *   tool service exits ──► `service_down` fault event opened at its exit ──► RESTART_SERVICES=on:
 *                          (a planned kill/stop: its standby, started when the service was watched
 *                          and the run's plan kills or stops it, loaded and waiting for `go`, is told
 *                          `go` ahead of the fault's due end by the last go-to-healthy time; without a
 *                          standby, started ahead by the last restart's time: it answers again when
 *                          the fault is due to end) started again ──► healthy
 *                          ──► event closed (`restarted`), the outage measured (`outage_ms`, on the
 *                          planned fault's event too)
 *                          (off, or the restart failed: the event is closed when the lab stops)
 *   Toxiproxy or proxy-manager exits ──► {@link PartSupervisor.lost} settles with the reason: the
 *                          launcher stops the run, which is then `failed` with that reason
 *   an external Toxiproxy (TOXIPROXY_URL, not a child) refuses {@link EXTERNAL_DOWN_AFTER_CHECKS}
 *                          checks in a row ──► the same (a late answer on a loaded machine is not death)
 *
 * Exits the launcher asked for ({@link LabChild.stopping}) are not deaths.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  checkHealth,
  partStarted,
  readFaultPlan,
  targetServices,
  type Database,
  type FaultTarget,
  type Logger,
} from '@chaos-lab/common';
import type { LabChild } from './child.js';
import { waitUntilHealthy } from './readiness.js';
import { closeServiceDown, endPlannedDowntime, openPlannedDowntime, openServiceDown } from './service-events.js';

/** A part the run cannot go on without, dead. */
export interface LostPart {
  /** The child's name: `toxiproxy` or `proxy-manager`. */
  readonly part: string;
  /** One line, e.g. `the proxy-manager died (killed by SIGKILL)`. */
  readonly reason: string;
  /** When its exit was seen, ms since the epoch. */
  readonly at: number;
}

/** How often a planned downtime's end is looked for in the record, ms. */
const PLANNED_DOWNTIME_POLL_MS = 20;

/** How often a restarted service's health is checked, ms: the resolution of a measured outage. */
const RESTART_HEALTH_POLL_MS = 20;

/** How long a tool service's restart (spawn to healthy) is expected to take before one was measured, ms. */
export const DEFAULT_RESTART_ESTIMATE_MS = 1500;

/** How long a prepared tool service (built, waiting to listen) takes from `go` to healthy before one was measured, ms. */
export const DEFAULT_GO_ESTIMATE_MS = 100;

/** Checks of an external Toxiproxy in a row that must fail (refused, or an error status) before it counts as dead. */
export const EXTERNAL_DOWN_AFTER_CHECKS = 3;

/** Period, and deadline, of one check of an external Toxiproxy, ms. */
export const EXTERNAL_CHECK_MS = 1000;

/** Restarts of one tool service per run before the lab gives up on it (a crash loop is not chaos). */
export const MAX_RESTARTS_PER_SERVICE = 5;

/** What the supervisor needs. */
export interface SupervisorDeps {
  readonly db: Database;
  readonly runId: string;
  readonly logger: Logger;
  /** Writes one line to the console. */
  readonly say: (line: string) => void;
  /** The launcher's list of children: replacements are added to it, so the stop reaches them. */
  readonly children: LabChild[];
  /** RESTART_SERVICES: restart a tool service that died. */
  readonly restart: boolean;
  /** Starts a new child for a tool service. */
  readonly startTool: (service: string) => LabChild;
  /** The service's health URL. */
  readonly healthUrl: (service: string) => string;
  /** How long a restarted service may take to become healthy, ms. */
  readonly readyTimeoutMs: number;
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

/** See the file comment. */
export class PartSupervisor {
  readonly #deps: SupervisorDeps;
  readonly #now: () => number;
  readonly #openEvents = new Map<string, number>();
  readonly #restarts = new Map<string, number>();
  /** A restart's expected time, spawn to healthy, ms: the estimate given, then learnt from each restart. */
  #restartMs: number;
  /** A prepared restart's expected time, `go` to healthy, ms, learnt from each one. */
  #goMs = DEFAULT_GO_ESTIMATE_MS;
  /** Per service the plan kills or stops: a replacement loaded and waiting for `go`. */
  readonly #standbys = new Map<string, LabChild>();
  #stopped = false;
  readonly #stopChecks = new AbortController();
  #onLost!: (lost: LostPart) => void;
  /** Settles when a part the run cannot go on without died (the first one). Never rejects. */
  readonly lost: Promise<LostPart>;

  constructor(deps: SupervisorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#restartMs = deps.restartEstimateMs ?? DEFAULT_RESTART_ESTIMATE_MS;
    this.lost = new Promise((resolve) => (this.#onLost = resolve));
  }

  /** Watches a part the run cannot go on without (Toxiproxy, the proxy-manager); `label` names it. */
  watchCritical(child: LabChild, label: string): void {
    void child.exited.then((why) => {
      if (this.#stopped || child.stopping()) return;
      const reason = `${label} died (${why})`;
      this.#deps.logger.error({ child: child.name, why }, 'a part of the lab died during the run');
      this.#deps.say(`chaos-lab: ${reason} during the run: stopping the run`);
      this.#onLost({ part: child.name, reason, at: this.#now() });
    });
  }

  /**
   * Watches a part that is not a child of the launcher (an external Toxiproxy) by its health URL.
   * @param url e.g. `http://toxiproxy:8474/version`
   */
  watchUrl(url: string, label: string): void {
    void (async () => {
      let failures = 0;
      let firstFailureAt = 0;
      while (!this.#stopped) {
        await delay(EXTERNAL_CHECK_MS, undefined, { signal: this.#stopChecks.signal }).catch(() => undefined);
        if (this.#stopped) return;
        const check = await checkHealth(url, EXTERNAL_CHECK_MS);
        if (check.ok || check.late) {
          failures = 0;
          continue;
        }
        if (failures++ === 0) firstFailureAt = this.#now();
        if (failures >= EXTERNAL_DOWN_AFTER_CHECKS && !this.#stopped) {
          const reason = `${label} at ${url} stopped answering (${check.why}, ${failures} checks in a row)`;
          this.#deps.logger.error({ url, why: check.why }, 'a part of the lab died during the run');
          this.#deps.say(`chaos-lab: ${reason} during the run: stopping the run`);
          this.#onLost({ part: 'toxiproxy', reason, at: firstFailureAt });
          return;
        }
      }
    })();
  }

  /** Watches a tool service: its death is a recorded fault, and it is restarted (see the file comment). */
  watchTool(child: LabChild, service: string): void {
    this.#prepareStandby(service);
    void child.exited.then((why) => {
      if (!this.#stopped && !child.stopping()) void this.#serviceDied(service, why);
    });
  }

  /**
   * Stops watching (the run is over, or the lab is stopping) and closes the `service_down` events of
   * services still down at this moment.
   */
  stop(): void {
    this.#stopped = true;
    this.#stopChecks.abort();
    for (const [service, id] of this.#openEvents) this.#close(service, id, 'lab_stopped');
  }

  async #serviceDied(service: string, why: string): Promise<void> {
    const { db, runId, logger, say, restart } = this.#deps;
    const diedAt = this.#now();
    try {
      // A restart that died before it was healthy: the service has been down all along, one event.
      if (!this.#openEvents.has(service))
        this.#openEvents.set(service, openServiceDown(db, runId, service, diedAt, why));
    } catch (err) {
      logger.error({ err, service }, 'could not record a service_down event');
    }
    const restarts = this.#restarts.get(service) ?? 0;
    const willRestart = restart && restarts < MAX_RESTARTS_PER_SERVICE;
    logger.warn({ service, why, restarting: willRestart }, 'tool service died during the run');
    say(
      `chaos-lab: the ${service} tool service died (${why}); recorded as a service_down fault` +
        (willRestart
          ? ', restarting it'
          : restart
            ? `; not restarted again (${MAX_RESTARTS_PER_SERVICE} restarts already)`
            : ' (RESTART_SERVICES=off: it stays down)'),
    );
    if (!willRestart) return;
    this.#restarts.set(service, restarts + 1);
    const prepared = this.#takeStandby(service);
    const planned = await this.#plannedDowntime(service, prepared ? this.#goMs : this.#restartMs);
    if (this.#stopped) return;
    const spawnedAt = this.#now();
    const go = prepared !== undefined && !prepared.hasExited();
    const child = go ? prepared : this.#deps.startTool(service);
    if (go) {
      prepared.send('go');
      // The service faults signal the pid in `parts`: from now on, this process's.
      if (prepared.process.pid !== undefined) partStarted(db, `tool:${service}`, prepared.process.pid, spawnedAt);
    } else this.#deps.children.push(child);
    this.watchTool(child, service);
    try {
      await waitUntilHealthy(this.#deps.healthUrl(service), {
        name: `${service} tool service`,
        timeoutMs: this.#deps.readyTimeoutMs,
        abandon: child.exited,
        intervalMs: RESTART_HEALTH_POLL_MS,
      });
    } catch (err) {
      if (!this.#stopped) say(`chaos-lab: the ${service} tool service did not come back: ${(err as Error).message}`);
      return;
    }
    if (this.#stopped) return;
    const backAt = this.#now();
    // Learnt as the mean of the estimate and this measure, so one fast or slow restart moves it half way.
    if (go) this.#goMs = Math.round((this.#goMs + backAt - spawnedAt) / 2);
    else this.#restartMs = Math.round((this.#restartMs + backAt - spawnedAt) / 2);
    const outageMs = backAt - diedAt;
    const id = this.#openEvents.get(service);
    if (id !== undefined) this.#close(service, id, 'restarted', { at: backAt, outageMs });
    if (planned !== undefined) {
      try {
        endPlannedDowntime(db, planned, backAt, outageMs);
      } catch (err) {
        logger.error({ err, service, eventId: planned }, 'could not end a planned fault with its outage');
      }
    }
    const how = `${go ? 'prepared, go' : 'restarted, spawn'} to healthy ${backAt - spawnedAt} ms`;
    logger.info({ service, outageMs, restart: how, plannedEventId: planned }, 'tool service back');
    say(`chaos-lab: the ${service} tool service is back after ${outageMs} ms (${how})`);
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

  /** Starts a standby for `service` when the run's plan kills or stops it and it has none alive. */
  #prepareStandby(service: string): void {
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

  /** The service's standby, alive and waiting for `go`, while the fault plan keeps the service down. */
  #takeStandby(service: string): LabChild | undefined {
    const child = this.#standbys.get(service);
    if (!child || child.hasExited() || !openPlannedDowntime(this.#deps.db, this.#deps.runId, service)) return undefined;
    this.#standbys.delete(service);
    return child;
  }

  #close(
    service: string,
    id: number,
    endedBy: 'restarted' | 'lab_stopped',
    back?: { readonly at: number; readonly outageMs: number },
  ): void {
    this.#openEvents.delete(service);
    try {
      closeServiceDown(this.#deps.db, id, back?.at ?? this.#now(), endedBy, back?.outageMs);
    } catch (err) {
      this.#deps.logger.error({ err, service, eventId: id }, 'could not close a service_down event');
    }
  }
}
