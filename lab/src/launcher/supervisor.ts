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
 * Exits the launcher asked for ({@link LabChild.stopping}) are not deaths. When a restart waits for a
 * planned kill or stop, with which process (its standby, or a new one): `planned-restart.ts`.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { checkHealth, partStarted } from '@chaos-lab/common';
import { LISTENING_SINCE } from '@chaos-lab/tools';
import type { LabChild } from './child.js';
import { PlannedRestarts, type PlannedRestartDeps } from './planned-restart.js';
import { waitUntilHealthy } from './readiness.js';
import { closeServiceDown, openServiceDown } from './service-events.js';

export { DEFAULT_GO_ESTIMATE_MS, DEFAULT_RESTART_ESTIMATE_MS } from './planned-restart.js';

/** A part the run cannot go on without, dead. */
export interface LostPart {
  /** The child's name: `toxiproxy` or `proxy-manager`. */
  readonly part: string;
  /** One line, e.g. `the proxy-manager died (killed by SIGKILL)`. */
  readonly reason: string;
  /** When its exit was seen, ms since the epoch. */
  readonly at: number;
}

/** How often a restarted service's health is checked, ms: the resolution of a measured outage. */
const RESTART_HEALTH_POLL_MS = 20;

/** Checks of an external Toxiproxy in a row that must fail (refused, or an error status) before it counts as dead. */
export const EXTERNAL_DOWN_AFTER_CHECKS = 3;

/** Period, and deadline, of one check of an external Toxiproxy, ms. */
export const EXTERNAL_CHECK_MS = 1000;

/** Restarts of one tool service per run before the lab gives up on it (a crash loop is not chaos). */
export const MAX_RESTARTS_PER_SERVICE = 5;

/** What the supervisor needs. */
export interface SupervisorDeps extends PlannedRestartDeps {
  /** The launcher's list of children: replacements (and standbys) are added to it, so the stop reaches them. */
  readonly children: LabChild[];
  /** RESTART_SERVICES: restart a tool service that died. */
  readonly restart: boolean;
  /** Starts a new child for a tool service. */
  readonly startTool: (service: string) => LabChild;
  /** The service's health URL. */
  readonly healthUrl: (service: string) => string;
  /** How long a restarted service may take to become healthy, ms. */
  readonly readyTimeoutMs: number;
}

/** See the file comment. */
export class PartSupervisor {
  readonly #deps: SupervisorDeps;
  readonly #now: () => number;
  readonly #openEvents = new Map<string, number>();
  readonly #restarts = new Map<string, number>();
  readonly #planned: PlannedRestarts;
  #stopped = false;
  readonly #stopChecks = new AbortController();
  #onLost!: (lost: LostPart) => void;
  /** Settles when a part the run cannot go on without died (the first one). Never rejects. */
  readonly lost: Promise<LostPart>;

  constructor(deps: SupervisorDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#planned = new PlannedRestarts(deps);
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
    this.#planned.prepareStandby(service);
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
    this.#planned.stop();
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
    const { prepared, planned } = await this.#planned.waitToRestart(service);
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
    const backAt = listeningSince(child) ?? this.#now();
    const outageMs = backAt - diedAt;
    const id = this.#openEvents.get(service);
    if (id !== undefined) this.#close(service, id, 'restarted', { at: backAt, outageMs });
    this.#planned.restarted(service, planned, go, backAt - spawnedAt, { at: backAt, outageMs });
    const how = `${go ? 'prepared, go' : 'restarted, spawn'} to healthy ${backAt - spawnedAt} ms`;
    logger.info({ service, outageMs, restart: how, plannedEventId: planned }, 'tool service back');
    say(`chaos-lab: the ${service} tool service is back after ${outageMs} ms (${how})`);
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

/**
 * When a tool service child began to listen, as it printed it (`chaos-lab tool <name>`): a call it
 * answered between that moment and the launcher's health check must not fall inside its outage.
 * @returns ms since the epoch, or undefined when it printed none
 */
function listeningSince(child: LabChild): number | undefined {
  const line = child.stdout.findLast((l) => l.startsWith(LISTENING_SINCE));
  const at = line === undefined ? Number.NaN : Number(line.slice(LISTENING_SINCE.length));
  return Number.isFinite(at) ? at : undefined;
}
