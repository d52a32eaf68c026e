/**
 * The agent's side of the fault plan (docs/experiments.md): when the run's plan
 * (`fault_plans`, written before the run by `chaos-lab run`) has a trigger that fires on the agent's
 * progress, every tool call attempt is announced to the proxy-manager (`POST <PROXY_MANAGER_URL>/calls`)
 * before its first byte is sent, and the attempt waits for the answer, which comes once the faults
 * planned for it are in place. A run without such a plan announces nothing and pays nothing.
 *
 * The announcement is a fast signal beside the record: the manager writes each one to
 * `call_announcements` and each fault it fires to `fault_events`. When the manager does not answer
 * within {@link ANNOUNCE_TIMEOUT_MS}, the attempt goes ahead (logged): a lost signal must not stop the
 * agent, and the record shows which attempts met no planned fault.
 */
import type { Database, Logger } from '@chaos-lab/common';

/** How long an attempt waits for the manager's acknowledgement, ms. */
export const ANNOUNCE_TIMEOUT_MS = 5000;

/** What an announcement says. */
export interface AttemptAnnouncement {
  readonly promptIndex: number;
  readonly tool: string;
  readonly callId: string;
  /** 1-based; the direct fallback is TOOL_LIMIT + 1. */
  readonly attempt: number;
}

/** Announces an attempt and resolves once acknowledged (or given up on). Never rejects. */
export type Announce = (a: AttemptAnnouncement) => Promise<void>;

/** The trigger kinds that fire on an announced attempt (proxy-manager/src/schedule/triggers). */
const ANNOUNCED_TRIGGERS = new Set(['call', 'prompt', 'first_attempts']);

/**
 * True when the run has a fault plan with a trigger that fires on announced attempts (`call`,
 * `prompt`, `first_attempts`, `random` with a `tool`); plans of time triggers only (`random` per tick,
 * `window`) need no announcement.
 */
export function runNeedsAnnouncements(db: Database, runId: string): boolean {
  const row = db.prepare('SELECT plan FROM fault_plans WHERE run_id = ?').get(runId) as { plan: string } | undefined;
  if (!row) return false;
  const plan = JSON.parse(row.plan) as { faults?: { trigger?: { kind?: string; tool?: string } }[] };
  return (plan.faults ?? []).some(
    (f) =>
      ANNOUNCED_TRIGGERS.has(f.trigger?.kind ?? '') || (f.trigger?.kind === 'random' && f.trigger.tool !== undefined),
  );
}

/**
 * The announcer of a run with a plan.
 * @param managerUrl the proxy-manager's HTTP API, e.g. `http://127.0.0.1:8000`
 */
export function announcer(managerUrl: string, runId: string, logger: Logger): Announce {
  return async (a) => {
    try {
      const res = await fetch(`${managerUrl}/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ runId, ...a }),
        signal: AbortSignal.timeout(ANNOUNCE_TIMEOUT_MS),
      });
      if (!res.ok)
        logger.warn(
          { status: res.status, body: await res.text(), call_id: a.callId },
          'the proxy-manager refused an announcement: attempt sent anyway',
        );
      else await res.arrayBuffer();
    } catch (err) {
      logger.warn(
        { err: (err as Error).message, call_id: a.callId },
        'the proxy-manager did not acknowledge an announcement: attempt sent anyway',
      );
    }
  };
}
