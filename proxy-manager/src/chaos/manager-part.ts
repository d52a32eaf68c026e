/**
 * The proxy-manager's own record: its `parts` row (started, a heartbeat every tick, stopped), and the
 * toxic events a manager that died left open. When a manager dies (kill -9), whoever notices (the
 * launcher at once, or the next manager at its start) closes its open events at its last heartbeat.
 * A failed write is a lasting condition, retried on the next tick.
 */
import {
  closeEventsOfLostManager,
  partHeartbeat,
  partStarted,
  partStopped,
  PROXY_MANAGER_PART,
} from '@chaos-lab/common';
import type { LoopContext } from './context.js';
import { closeOpenToxicEvents } from './toxic-events.js';

/**
 * Keeps this manager's `parts` row: at start, first closes what a dead predecessor left open at its
 * last heartbeat; every tick, a heartbeat (with the run followed now); at stop, the stop time.
 */
export function recordManagerPart(ctx: LoopContext, when: 'start' | 'tick' | 'stop'): void {
  const { db, clock } = ctx.deps;
  const runId = ctx.currentRunId();
  const log = ctx.logFor(runId);
  try {
    if (when === 'start') {
      const closed = closeEventsOfLostManager(db);
      if (closed > 0)
        log.warn({ closed }, 'closed the toxic events of a proxy-manager that died, at its last heartbeat');
      partStarted(db, PROXY_MANAGER_PART, process.pid, clock.now());
    } else if (when === 'tick') {
      partHeartbeat(db, PROXY_MANAGER_PART, clock.now(), runId ?? null);
    } else {
      partStopped(db, PROXY_MANAGER_PART, clock.now());
    }
    ctx.conditions.report('heartbeat', undefined, log);
  } catch (err) {
    ctx.conditions.report('heartbeat', `cannot record the manager in parts (${(err as Error).message}); retrying`, log);
  }
}

/**
 * Closes open toxic events no live toxic of this loop owns: those of a manager that died.
 * @param keep the events of the toxics this loop holds
 * @returns true once they are closed, false when the database refused (retry later)
 */
export function closeStaleEvents(ctx: LoopContext, keep: ReadonlySet<number>): boolean {
  const runId = ctx.currentRunId();
  try {
    const closed = closeOpenToxicEvents(ctx.deps.db, ctx.deps.clock.now(), keep);
    ctx.conditions.report('toxic events', undefined, ctx.logFor(runId));
    for (const e of closed) {
      ctx
        .logFor(e.runId ?? undefined)
        .info(
          { eventId: e.id, proxy: e.proxy, toxic: e.name },
          'closed a toxic event an earlier proxy-manager left open',
        );
    }
    return true;
  } catch (err) {
    ctx.conditions.report(
      'toxic events',
      `cannot close stale toxic events (${(err as Error).message}); retrying`,
      ctx.logFor(runId),
    );
    return false;
  }
}
