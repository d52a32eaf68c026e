/**
 * The agent's side of the fault plan (docs/experiments.md): when the run's plan
 * (`fault_plans`, written before the run by `chaos-lab run`) has a trigger that fires on the agent's
 * progress, every tool call attempt is announced to the proxy-manager (`POST <PROXY_MANAGER_URL>/calls`)
 * before its first byte is sent, and the attempt waits for the answer, which comes once the faults
 * planned for it are in place. A run without such a plan announces nothing and pays nothing.
 *
 * After the attempt, its end is reported the same way (`ended: { sent, more }`): a fault fired for one
 * attempt is removed once that attempt has ended, and meanwhile the manager holds the announcements
 * of the other attempts to the same service, at most {@link ANNOUNCE_HOLD_MAX_MS} (`holdMaxMs`), so
 * the fault lands on the attempt it names also when calls run in parallel.
 *
 * The announcement is a fast signal beside the record: the manager writes each one to
 * `call_announcements` and each fault it fires to `fault_events`. When the manager does not answer
 * within {@link ANNOUNCE_TIMEOUT_MS} (plus the hold), the attempt goes ahead (logged): a lost signal must
 * not stop the agent, and the record shows which attempts met no planned fault.
 */
import type { Database, Logger } from '@chaos-lab/common';

/** How long an attempt waits for the manager's acknowledgement, ms, besides a hold. */
export const ANNOUNCE_TIMEOUT_MS = 5000;

/**
 * The longest the manager may hold an announcement while another attempt's fault is in place on its
 * service, ms: an attempt's own deadline (`PROXY_TIMEOUT_MS`) and the retries of a fault that lasts
 * several attempts fit in it many times.
 */
export const ANNOUNCE_HOLD_MAX_MS = 60_000;

/** What an announcement says. */
export interface AttemptAnnouncement {
  readonly promptIndex: number;
  readonly tool: string;
  readonly callId: string;
  /** 1-based; the direct fallback is TOOL_LIMIT + 1. */
  readonly attempt: number;
}

/** How an announced attempt ended: `sent` false when it was not sent after all; `more` when another attempt of the call may follow. */
export interface AttemptEnd {
  readonly sent: boolean;
  readonly more: boolean;
}

/** Reports an announced attempt's end; resolves once the manager has it (or given up on). Never rejects. */
export type ReportAttemptEnd = (end: AttemptEnd) => Promise<void>;

/**
 * Announces an attempt and resolves once acknowledged (or given up on), with the function that reports
 * its end (undefined: nothing to report). Never rejects.
 */
export type Announce = (a: AttemptAnnouncement) => Promise<ReportAttemptEnd | undefined>;

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
  const post = async (body: object, timeoutMs: number, a: AttemptAnnouncement, what: string): Promise<void> => {
    try {
      const res = await fetch(`${managerUrl}/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ runId, ...a, ...body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok)
        logger.warn(
          { status: res.status, body: await res.text(), call_id: a.callId },
          `the proxy-manager refused ${what}: attempt goes on anyway`,
        );
      else await res.arrayBuffer();
    } catch (err) {
      logger.warn(
        { err: (err as Error).message, call_id: a.callId },
        `the proxy-manager did not acknowledge ${what}: attempt goes on anyway`,
      );
    }
  };
  return async (a) => {
    await post({ holdMaxMs: ANNOUNCE_HOLD_MAX_MS }, ANNOUNCE_TIMEOUT_MS + ANNOUNCE_HOLD_MAX_MS, a, 'an announcement');
    return (ended) => post({ ended }, ANNOUNCE_TIMEOUT_MS, a, "an attempt's end");
  };
}
