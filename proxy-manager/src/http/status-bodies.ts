/**
 * The bodies of `GET /health` and `GET /status`, built from a live look at Toxiproxy (one attempt,
 * so a down Toxiproxy answers within `TOXIPROXY_TIMEOUT_MS`) and the loop's and monitor's state.
 */
import type { Database, Settings } from '@chaos-lab/common';
import type { ActiveToxic, ChaosSnapshot } from '../chaos/snapshot.js';
import { proxyDrift, type DesiredProxy } from '../toxiproxy/desired-proxies.js';
import type { DockerStatus, ToolHealth } from '../health/monitor.js';
import { injectionCounts, type InjectionCounts } from '../chaos/toxic-events.js';
import type { ProxyState, ToxicState, ToxiproxyGateway } from '../toxiproxy/gateway.js';

/** `GET /health`: healthy only when Toxiproxy answers and every proxy exists. */
export interface HealthReport {
  readonly healthy: boolean;
  /** Why it is not healthy (empty when it is). */
  readonly reasons: string[];
  readonly toxiproxy: { readonly url: string; readonly reachable: boolean };
  /** Proxies the manager owns that Toxiproxy lacks (all of them when it is unreachable). */
  readonly missingProxies: string[];
}

/** One owned proxy in `GET /status`. */
export interface ProxyReport {
  readonly name: string;
  readonly service: string;
  readonly exists: boolean;
  /** As Toxiproxy reports it (or as wanted, when it does not exist). */
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  /** What differs from what it should be; empty when it is as wanted. */
  readonly drift: string[];
  readonly toxics: readonly ToxicState[];
}

/** `GET /status`. */
export interface StatusReport {
  readonly status: 'starting' | 'running' | 'closing';
  /** ms since the epoch. */
  readonly startedAt: number;
  readonly seed: number;
  readonly run: ChaosSnapshot['run'];
  /** The current run's phase, or null when there is no run. */
  readonly phase: string | null;
  readonly chaos: {
    readonly intervalMs: number;
    /** TOXIC_PROB and TOXICS in force: steered for the current run (`steering-route.ts`), else the settings'. */
    readonly toxicProb: number;
    readonly toxics: readonly string[];
    /** True while chaos is paused by steering. */
    readonly paused: boolean;
    readonly toxicDurationMs: { readonly min: number; readonly max: number };
    readonly ticks: number;
    readonly problems: Readonly<Record<string, string>>;
  };
  readonly toxiproxy: { readonly url: string; readonly reachable: boolean; readonly error?: string };
  readonly proxies: ProxyReport[];
  /** Toxics the manager injected that are in place now. */
  readonly activeToxics: readonly ActiveToxic[];
  readonly injections: {
    readonly sinceStart: number;
    readonly failedSinceStart: number;
    /** The current run's injections, from `toxic_events` (null without a run or when the database cannot answer). */
    readonly run: InjectionCounts | null;
  };
  readonly tools: readonly ToolHealth[];
  readonly docker: DockerStatus;
}

/** Lists Toxiproxy's proxies with one attempt; the error message when that fails. */
async function lookAtToxiproxy(gateway: ToxiproxyGateway): Promise<{ proxies: ProxyState[] } | { error: string }> {
  try {
    return { proxies: await gateway.listProxies({ attempts: 1 }) };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/** Builds the `GET /health` body. */
export async function healthReport(gateway: ToxiproxyGateway, desired: readonly DesiredProxy[]): Promise<HealthReport> {
  const look = await lookAtToxiproxy(gateway);
  if ('error' in look) {
    return {
      healthy: false,
      reasons: [`Toxiproxy unreachable: ${look.error}`],
      toxiproxy: { url: gateway.url, reachable: false },
      missingProxies: desired.map((d) => d.name),
    };
  }
  const present = new Set(look.proxies.map((p) => p.name));
  const missing = desired.filter((d) => !present.has(d.name)).map((d) => d.name);
  return {
    healthy: missing.length === 0,
    reasons: missing.map((name) => `proxy ${name} missing in Toxiproxy`),
    toxiproxy: { url: gateway.url, reachable: true },
    missingProxies: missing,
  };
}

/** What `GET /status` reads besides Toxiproxy. */
export interface StatusSources {
  readonly settings: Settings;
  readonly db: Database;
  readonly gateway: ToxiproxyGateway;
  readonly desired: readonly DesiredProxy[];
  readonly status: StatusReport['status'];
  readonly startedAt: number;
  /** The loop's state, or undefined while the manager is still starting. */
  readonly chaos: ChaosSnapshot | undefined;
  readonly health: { tools: ToolHealth[]; docker: DockerStatus } | undefined;
}

/** Builds the `GET /status` body. */
export async function statusReport(sources: StatusSources): Promise<StatusReport> {
  const { settings, gateway, desired, chaos } = sources;
  const look = await lookAtToxiproxy(gateway);
  const listed = 'proxies' in look ? new Map(look.proxies.map((p) => [p.name, p])) : new Map<string, ProxyState>();
  const proxies = desired.map((want): ProxyReport => {
    const have = listed.get(want.name);
    return {
      name: want.name,
      service: want.service,
      exists: Boolean(have),
      listen: have?.listen ?? want.listen,
      upstream: have?.upstream ?? want.upstream,
      enabled: have?.enabled ?? false,
      drift: have ? proxyDrift(have, want) : ['missing'],
      toxics: have?.toxics ?? [],
    };
  });
  const run = chaos?.run ?? null;
  return {
    status: sources.status,
    startedAt: sources.startedAt,
    seed: settings.CHAOS_SEED,
    run,
    phase: run?.phase ?? null,
    chaos: {
      intervalMs: settings.CHAOS_INTERVAL_MS,
      toxicProb: chaos?.steering.toxicProb ?? settings.TOXIC_PROB,
      toxics: chaos?.steering.toxics ?? settings.TOXICS,
      paused: chaos?.steering.paused ?? false,
      toxicDurationMs: settings.TOXIC_DURATION_MS,
      ticks: chaos?.ticks ?? 0,
      problems: chaos?.problems ?? {},
    },
    toxiproxy: { url: gateway.url, reachable: 'proxies' in look, ...('error' in look ? { error: look.error } : {}) },
    proxies,
    activeToxics: chaos?.activeToxics ?? [],
    injections: {
      sinceStart: chaos?.injectedSinceStart ?? 0,
      failedSinceStart: chaos?.failedInjections ?? 0,
      run: run ? runCounts(sources.db, run.runId) : null,
    },
    tools: sources.health?.tools ?? [],
    docker: sources.health?.docker ?? { monitored: false, detail: 'starting' },
  };
}

function runCounts(db: Database, runId: string): InjectionCounts | null {
  try {
    return injectionCounts(db, runId);
  } catch {
    return null;
  }
}
