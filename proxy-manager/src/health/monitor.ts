/**
 * The service health monitor: every `HEALTH_INTERVAL_MS` it asks each tool service's `GET /health`
 * straight (not through its proxy: a probe through the chaos proxy would blame the tool for the
 * toxic), and, when a Docker engine is reachable, reads each tool container's state and
 * health. Changes are logged with the current run's id; the latest state is in `/status`.
 *
 * A service is `starting` until its first healthy answer: one that does not answer yet is still
 * loading (the lab starts ten Node processes at once), and is never reported down for it. Once up, a
 * refused connection or an error status is `down` at once (a dead process refuses at once), but an
 * answer that is only late is `down` after {@link TIMEOUTS_BEFORE_DOWN} late checks in a row: a busy
 * machine delays answers without anything being down.
 */
import {
  checkHealth,
  formatEndpoint,
  labServices,
  toolEndpoint,
  type HealthCheck,
  type Logger,
  type ServiceRef,
  type Settings,
} from '@chaos-lab/common';
import type { Clock } from '../util/clock.js';
import type { ContainerState, DockerProbe } from './docker-probe.js';

/** A tool service's state as the monitor sees it. */
export type ToolStatus = 'starting' | 'up' | 'down';

/** Late checks in a row after which a service that was up is reported down. */
export const TIMEOUTS_BEFORE_DOWN = 3;

/** What the monitor knows about one tool service. */
export interface ToolHealth {
  readonly service: string;
  /** The URL checked, e.g. `http://127.0.0.1:5001/health`. */
  readonly url: string;
  /** `starting` until its first healthy answer (see the file comment). */
  readonly status: ToolStatus;
  /** Why the last check failed (`HTTP 503`, `ECONNREFUSED`, `no answer within 2000 ms`). */
  readonly detail?: string;
  /** Late checks in a row (no answer within the check's deadline), 0 after any answer. */
  readonly lateChecks?: number;
  /** When the status last changed, ms since the epoch. */
  readonly since?: number;
  /** When it was last checked, ms since the epoch. */
  readonly checkedAt?: number;
  /** How long the last check took, ms. */
  readonly latencyMs?: number;
  /** Its container, when Docker is monitored and it has one; null when Docker has none. */
  readonly container?: ContainerState | null;
}

/** The Docker side of the monitor. */
export interface DockerStatus {
  /** Whether container states are read at all. */
  readonly monitored: boolean;
  /** Where the engine is, or why it is not monitored. */
  readonly detail: string;
  /** The last engine error, if the last listing failed. */
  readonly error?: string;
}

/** What the monitor needs. */
export interface HealthMonitorDeps {
  readonly settings: Settings;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The run the proxy-manager follows now, for the logs. */
  readonly runId: () => string | undefined;
  /** The Docker engine, or undefined when there is none (see `docker-probe.ts`). */
  readonly docker: DockerProbe | undefined;
  /** The services to check (default: the lab file's). */
  readonly services?: readonly ServiceRef[];
  /** Deadline of one check, ms (default {@link healthCheckTimeoutMs} of `HEALTH_INTERVAL_MS`). */
  readonly checkTimeoutMs?: number;
}

/**
 * Deadline of one health check, ms: the interval, within 1000–2000 (at least a second: a loaded
 * machine can hold a healthy process back for hundreds of ms).
 */
export function healthCheckTimeoutMs(intervalMs: number): number {
  return Math.min(2000, Math.max(1000, intervalMs));
}

/** Checks the tool services; see the file comment. */
export class ToolHealthMonitor {
  private readonly deps: HealthMonitorDeps;
  private readonly services: readonly ServiceRef[];
  private readonly health = new Map<string, ToolHealth>();
  private dockerError: string | undefined;
  private cancelNext: (() => void) | undefined;
  private stopped = false;
  private inFlight: Promise<void> | undefined;

  constructor(deps: HealthMonitorDeps) {
    this.deps = deps;
    this.services = deps.services ?? labServices(deps.settings);
    for (const spec of this.services)
      this.health.set(spec.name, { service: spec.name, url: this.healthUrl(spec), status: 'starting' });
    if (deps.docker)
      deps.logger.info({ docker: deps.docker.endpoint }, 'health monitor: reading tool container states from Docker');
    else
      deps.logger.info(
        'health monitor: no Docker socket (DOCKER_HOST unset, /var/run/docker.sock absent): container states not monitored',
      );
  }

  /** Checks now, then every `HEALTH_INTERVAL_MS`. */
  start(): void {
    if (this.stopped || this.cancelNext) return;
    const loop = (): void => {
      this.inFlight = this.checkOnce().finally(() => {
        this.inFlight = undefined;
        if (!this.stopped) this.cancelNext = this.deps.clock.setTimeout(loop, this.deps.settings.HEALTH_INTERVAL_MS);
      });
    };
    loop();
  }

  /** Stops checking; waits for a check in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelNext?.();
    await this.inFlight;
  }

  /** One round: every service's `/health` and (when monitored) one Docker listing, in parallel. Never rejects. */
  async checkOnce(): Promise<void> {
    const [containers] = await Promise.all([
      this.readContainers(),
      ...this.services.map((spec) => this.checkService(spec)),
    ]);
    if (!containers) return;
    for (const spec of this.services) {
      const before = this.health.get(spec.name)!;
      const container = containers.get(spec.name) ?? null;
      if (before.container === undefined || !sameContainer(before.container, container)) {
        this.log().info(
          { tool: spec.name, container },
          container
            ? `tool container ${container.container}: ${container.status}`
            : `tool container for ${spec.name}: none`,
        );
      }
      this.health.set(spec.name, { ...before, container });
    }
  }

  /** The latest state of every tool service, in registry order, and of Docker. */
  snapshot(): { tools: ToolHealth[]; docker: DockerStatus } {
    const { docker } = this.deps;
    return {
      tools: this.services.map((spec) => this.health.get(spec.name)!),
      docker: docker
        ? { monitored: true, detail: docker.endpoint, ...(this.dockerError ? { error: this.dockerError } : {}) }
        : { monitored: false, detail: 'no Docker socket (DOCKER_HOST unset, /var/run/docker.sock absent)' },
    };
  }

  private healthUrl(spec: ServiceRef): string {
    return `http://${formatEndpoint(toolEndpoint(spec, this.deps.settings))}${spec.healthPath ?? '/health'}`;
  }

  private async checkService(spec: ServiceRef): Promise<void> {
    const { clock, settings } = this.deps;
    const timeoutMs = this.deps.checkTimeoutMs ?? healthCheckTimeoutMs(settings.HEALTH_INTERVAL_MS);
    const before = this.health.get(spec.name)!;
    const startedAt = clock.now();
    const check = await checkHealth(before.url, timeoutMs);
    const checkedAt = clock.now();
    const detail = check.ok ? undefined : check.why;
    const lateChecks = !check.ok && check.late ? (before.lateChecks ?? 0) + 1 : 0;
    const status = nextStatus(before.status, check, lateChecks);
    const changed = before.status !== status;
    this.health.set(spec.name, {
      ...before,
      status,
      detail,
      lateChecks,
      since: changed ? checkedAt : before.since,
      checkedAt,
      latencyMs: checkedAt - startedAt,
    });
    if (status === 'starting' && before.detail === undefined && detail !== undefined) {
      // Said once, so a service that never comes up is not silent; not a `down` change.
      this.log().info(
        { tool: spec.name, url: before.url, status, detail },
        `tool service ${spec.name} is not answering yet (${detail}): starting`,
      );
    }
    if (!changed) return;
    const fields = { tool: spec.name, url: before.url, from: before.status, to: status, detail };
    if (status === 'up') this.log().info(fields, `tool service ${spec.name} is up`);
    else this.log().warn(fields, `tool service ${spec.name} is down: ${detail}`);
  }

  private async readContainers(): Promise<Map<string, ContainerState> | undefined> {
    const { docker } = this.deps;
    if (!docker) return undefined;
    try {
      const containers = await docker.containers(this.services);
      if (this.dockerError) this.log().info({ docker: docker.endpoint }, 'Docker engine answers again');
      this.dockerError = undefined;
      return containers;
    } catch (err) {
      const message = (err as Error).message;
      if (message !== this.dockerError)
        this.log().warn({ docker: docker.endpoint, err: message }, 'cannot read tool container states from Docker');
      this.dockerError = message;
      return undefined;
    }
  }

  private log(): Logger {
    const runId = this.deps.runId();
    return runId ? this.deps.logger.child({ run_id: runId }) : this.deps.logger;
  }
}

/** The status after a check; see the file comment for the rules. */
function nextStatus(before: ToolStatus, check: HealthCheck, lateChecks: number): ToolStatus {
  if (check.ok) return 'up';
  if (before === 'starting') return 'starting';
  if (before === 'up' && check.late && lateChecks < TIMEOUTS_BEFORE_DOWN) return 'up';
  return 'down';
}

function sameContainer(a: ContainerState | null, b: ContainerState | null): boolean {
  return a?.container === b?.container && a?.state === b?.state && a?.health === b?.health;
}
