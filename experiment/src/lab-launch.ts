/**
 * How an experiment drives one lab run: the {@link LaunchRequest} the launcher takes, the
 * environment the run inherits ({@link withEnv}), and the services' writes read before it stops
 * ({@link readWrites}). `explore/` launches its runs the same way.
 */
import {
  formatEndpoint,
  SERVICES,
  toolEndpoint,
  type Database,
  type Settings,
  type WriteListing,
} from '@chaos-lab/common';
import type { ServiceWrite } from './duplicates.js';

/** One lab run, as the launcher makes it. */
export interface LaunchRequest {
  readonly settings: Settings;
  readonly runId: string;
  /** Called with the lab's database before any part starts. */
  readonly beforeRun: (db: Database, runId: string) => void;
  /** Called when the agent has finished, services still up. */
  readonly beforeStop: (runId: string) => Promise<void>;
  /** false: no charts and report for this run (default true). */
  readonly report?: boolean;
}

/** Reads the writes that took effect at the services that write (calendar, message), from their `GET /writes`. */
export async function readWrites(settings: Settings): Promise<ServiceWrite[]> {
  const writes: ServiceWrite[] = [];
  for (const s of SERVICES.filter((x) => x.name === 'calendar' || x.name === 'message')) {
    const res = await fetch(`http://${formatEndpoint(toolEndpoint(s, settings))}/writes`, {
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { writes: WriteListing[] };
    for (const w of body.writes)
      writes.push({
        service: s.name,
        scope: w.scope,
        requestId: w.request_id,
        xRequestId: w.x_request_id,
        identity: w.identity,
        record: w.record,
        writtenAt: w.written_at,
      });
  }
  return writes;
}

/** Runs `fn` with `env` set in process.env (the children inherit it), restoring it after. */
export async function withEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
