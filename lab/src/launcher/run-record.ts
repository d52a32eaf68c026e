/**
 * The launcher's side of "every prompt ends with exactly one row": when the agent could not finish its
 * own record (killed with SIGKILL, crashed) or a part of the lab died under it, the launcher completes
 * the run's record from the database and the prompts file it loaded:
 *
 *   agent gone ──► run still `running`? ──yes──► `interrupted` row for every prompt without one
 *                        │                          ──► model_calls left `pending` (the agent died reading
 *                        │                              them) become `cancelled`, with the reason
 *                        │                          ──► runs: status, reason, counts from the rows
 *                        no (the agent closed it) ──► a dead part overrides the status: `failed`, reason
 *
 * A dead part's open toxic events are closed at the moment the part was lost: the proxy-manager's at
 * its last heartbeat (`manager_lost`), and every toxic at the death of the Toxiproxy that held it
 * (`toxiproxy_lost`: its proxies and toxics died with it).
 */
import {
  ENDED_BY_TOXIPROXY_LOST,
  PROXY_MANAGER_PART,
  closeEventsOfLostManager,
  readPart,
  writeTransaction,
  type Database,
} from '@chaos-lab/common';
import type { Prompt } from '@chaos-lab/agent/prompts';
import { RunRecords, type RunStatus, unfinishedPromptRow } from '@chaos-lab/agent/records';

/** How the launcher saw the run end. */
export interface RunEnding {
  /** `interrupted` (a signal), `failed` (a part died: `reason` names it), `completed`. */
  readonly status: RunStatus;
  /** Why, for `runs.error` (e.g. `the proxy-manager died (killed by SIGKILL)`); null when none. */
  readonly reason: string | null;
}

/** A run's status and reason as recorded in `runs`. */
export interface RecordedRun {
  readonly status: RunStatus;
  readonly error: string | null;
}

/**
 * Completes the run's record (see the file comment). Safe to call more than once.
 * @param prompts the run's prompts, as the launcher loaded them
 * @param now clock, ms since the epoch
 * @returns the run's status and error as recorded afterwards, or undefined when the agent never recorded the run
 */
export function completeRunRecord(
  db: Database,
  runId: string,
  prompts: readonly Prompt[],
  ending: RunEnding,
  now: () => number = Date.now,
): RecordedRun | undefined {
  return writeTransaction(db, () => {
    const run = db.prepare('SELECT status FROM runs WHERE run_id = ?').get(runId) as { status: string } | undefined;
    if (!run) return undefined;
    const records = new RunRecords(db, runId, now);
    if (run.status === 'running') {
      const have = new Set(
        (db.prepare('SELECT prompt_index AS i FROM prompt_results WHERE run_id = ?').all(runId) as { i: number }[]).map(
          (r) => r.i,
        ),
      );
      for (const prompt of prompts) {
        if (!have.has(prompt.index))
          records.addPromptResult(unfinishedPromptRow(prompt, { status: ending.status, reason: ending.reason }, now()));
      }
      db.prepare("UPDATE model_calls SET status = 'cancelled', error = ? WHERE run_id = ? AND status = 'pending'").run(
        `the agent stopped before the request finished${ending.reason ? `: ${ending.reason}` : ''}`,
        runId,
      );
      records.finish(ending.status, ending.reason);
    } else if (ending.status === 'failed' && run.status !== 'failed') {
      // The agent closed its run without knowing a part of the lab had died under it.
      db.prepare("UPDATE runs SET status = 'failed', error = ? WHERE run_id = ?").run(ending.reason, runId);
    }
    return db.prepare('SELECT status, error FROM runs WHERE run_id = ?').get(runId) as RecordedRun;
  });
}

/**
 * After the Toxiproxy server died: closes every open toxic event at its death.
 * @param diedAt when its exit was seen, ms since the epoch
 * @returns how many events were closed
 */
export function closeToxicsOfLostToxiproxy(db: Database, diedAt: number): number {
  return writeTransaction(
    db,
    () =>
      db
        .prepare(
          "UPDATE fault_events SET ended_at = max(?, started_at), ended_by = ? WHERE kind = 'toxic' AND ended_at IS NULL",
        )
        .run(diedAt, ENDED_BY_TOXIPROXY_LOST).changes,
  );
}

/**
 * After the proxy-manager died: closes its open toxic events at its last heartbeat.
 * @returns the events closed and that heartbeat (null when the manager never stamped one)
 */
export function closeLostManagerEvents(db: Database): { closed: number; lastHeartbeatAt: number | null } {
  const lastHeartbeatAt = readPart(db, PROXY_MANAGER_PART)?.heartbeatAt ?? null;
  return { closed: closeEventsOfLostManager(db), lastHeartbeatAt };
}
