/**
 * The launcher's view of a run in progress, read from the database the agent and the proxy-manager
 * write: prompts done of total, by status (correct, wrong, unhandled, failed, unchecked), and toxics active now. Shown as a live bar on a
 * terminal and as a plain line every few seconds otherwise (CI logs, `| tee`).
 */
import { SingleBar } from 'cli-progress';
import { sqlCountStatus, type Database } from '@chaos-lab/common';

/** One reading of a run's progress. */
export interface Progress {
  readonly total: number;
  readonly done: number;
  readonly correct: number;
  readonly wrong: number;
  readonly unhandled: number;
  readonly failed: number;
  /** Answered prompts without an expectation (not counted as correct). */
  readonly unchecked: number;
  readonly toxicsActive: number;
}

/** Reads a run's progress; zeros until the agent has created the run. */
function readProgress(db: Database, runId: string): Progress {
  const run = db.prepare('SELECT prompts_total AS total FROM runs WHERE run_id = ?').get(runId) as
    | { total: number }
    | undefined;
  const results = db
    .prepare(
      `SELECT COUNT(*) AS done, ${sqlCountStatus('correct')} AS correct, ${sqlCountStatus('wrong')} AS wrong,
              ${sqlCountStatus('unhandled')} AS unhandled, ${sqlCountStatus('failed')} AS failed,
              ${sqlCountStatus('unchecked')} AS unchecked
         FROM prompt_results WHERE run_id = ?`,
    )
    .get(runId) as {
    done: number;
    correct: number;
    wrong: number;
    unhandled: number;
    failed: number;
    unchecked: number;
  };
  const toxics = db
    .prepare('SELECT COUNT(*) AS n FROM toxic_events WHERE run_id = ? AND ended_at IS NULL')
    .get(runId) as { n: number };
  return { total: run?.total ?? 0, ...results, toxicsActive: toxics.n };
}

/** Formats a reading as one plain line. */
function formatProgress(p: Progress): string {
  return `prompts ${p.done}/${p.total} | correct ${p.correct} | wrong ${p.wrong} | unhandled ${p.unhandled} | failed ${p.failed} | unchecked ${p.unchecked} | toxics active ${p.toxicsActive}`;
}

/**
 * Shows progress until stopped.
 * @param options `tty`: live bar (true) or plain lines (false); `plainEveryMs`: period of plain lines
 *   (default 5000); `pollMs`: how often the database is read (default 250)
 * @returns `stop()`, which shows the last reading and ends the display
 */
export function showProgress(
  db: Database,
  runId: string,
  out: NodeJS.WriteStream,
  options: { tty: boolean; plainEveryMs?: number; pollMs?: number },
): { stop(): void } {
  let last = '';
  let lastPlainAt = 0;
  const bar = options.tty
    ? new SingleBar({
        stream: out,
        format:
          'prompts [{bar}] {value}/{total} | correct {correct} | wrong {wrong} | unhandled {unhandled} | failed {failed} | unchecked {unchecked} | toxics active {toxics}',
        hideCursor: true,
        clearOnComplete: false,
      })
    : undefined;
  let started = false;
  /** Shows the current reading; `final` shows a changed one at once, however recent the last line. */
  const tick = (final = false) => {
    const p = readProgress(db, runId);
    if (bar) {
      const payload = {
        correct: p.correct,
        wrong: p.wrong,
        unhandled: p.unhandled,
        failed: p.failed,
        unchecked: p.unchecked,
        toxics: p.toxicsActive,
      };
      if (!started && p.total > 0) {
        bar.start(p.total, p.done, payload);
        started = true;
      } else if (started) {
        bar.update(p.done, payload);
      }
      return;
    }
    const line = formatProgress(p);
    const now = Date.now();
    const everyMs = options.plainEveryMs ?? 5000;
    // A changed reading is shown at most once a second; an unchanged one every `everyMs`.
    const changed = line !== last && (final || now - lastPlainAt >= 1000);
    if (p.total > 0 && (changed || (!final && now - lastPlainAt >= everyMs))) {
      out.write(`${line}\n`);
      last = line;
      lastPlainAt = now;
    }
  };
  const timer = setInterval(() => tick(), options.pollMs ?? 250);
  return {
    stop() {
      clearInterval(timer);
      tick(true);
      if (bar && started) bar.stop();
    },
  };
}
