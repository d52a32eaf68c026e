/**
 * Measures of one run, read from the record (the same views the report reads: `tool_attempts` and
 * `tool_call_summaries` hold the lab's own agent's tool calls and an agent over HTTP's requests as the
 * services saw them, docs/record.md) and, for duplicate side effects, from the services' own stores of
 * writes (read by the runner before the run's services stop: `GET /writes`). Percentiles are nearest-rank (the smallest value with at least p % of the
 * values at or below it); the report's run summary interpolates between ranks instead
 * (report/src/read-model/stats.ts), so the two may differ on small samples.
 */
import { countCheckedPrompts, successRate, type Database, type ToolName } from '@chaos-lab/common';
import type { MeasureName } from './measure-names.js';

/** A write that took effect at a service, by its idempotency key (null: the request had none). */
export interface ServiceWrite {
  readonly service: string;
  readonly scope: string;
  readonly requestId: string | null;
}

/** What a check asks to measure: the measure (its `metric` in the experiment file), and the `fault` or `tool` it is about. */
export interface MeasureQuery {
  readonly metric: MeasureName;
  readonly fault?: string;
  readonly tool?: ToolName;
}

/** The writes whose duplicates count: add_event and send_message. */
export const COUNTED_WRITES = ['POST /events', 'POST /messages'];

/** Words by which an answer says a tool failed. */
const ADMITS_FAILURE =
  /\b(could not|couldn't|cannot|can't|unable|failed|fail|unavailable|not available|no result|did not answer|down|error)\b/i;

/** Nearest-rank percentile of sorted values; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Counts duplicate side effects: for each logical call, the writes that took effect under its key
 * (`per-call` keys: the call id) or under one of its attempts' keys (`per-attempt`: the attempt id),
 * beyond the first.
 */
export function duplicateSideEffects(db: Database, runId: string, writes: readonly ServiceWrite[]): number {
  const attemptCall = new Map(
    (
      db
        .prepare('SELECT attempt_id AS a, call_id AS c FROM tool_calls WHERE run_id = ? AND attempt_id IS NOT NULL')
        .all(runId) as { a: string; c: string }[]
    ).map((r) => [r.a, r.c]),
  );
  const calls = new Set(
    (db.prepare('SELECT call_id AS c FROM logical_calls WHERE run_id = ?').all(runId) as { c: string }[]).map(
      (r) => r.c,
    ),
  );
  const perCall = new Map<string, number>();
  for (const w of writes) {
    if (!COUNTED_WRITES.includes(w.scope) || w.requestId === null) continue;
    const call = calls.has(w.requestId) ? w.requestId : attemptCall.get(w.requestId);
    if (call === undefined) continue;
    perCall.set(call, (perCall.get(call) ?? 0) + 1);
  }
  let duplicates = 0;
  for (const n of perCall.values()) duplicates += Math.max(0, n - 1);
  return duplicates;
}

/**
 * Takes one measure (`q.metric`) of a run.
 * @param writes the services' writes read at the end of the run (duplicate_side_effects only)
 * @returns the value, or null when the run has nothing to measure it on (no checked prompt, no attempt)
 */
export function measure(db: Database, runId: string, q: MeasureQuery, writes: readonly ServiceWrite[]): number | null {
  const one = (sql: string, ...args: unknown[]) => (db.prepare(sql).get(runId, ...args) as { n: number | null }).n;
  const toolFilter = q.tool ? ' AND tool = ?' : '';
  const toolArgs = q.tool ? [q.tool] : [];
  const attemptDurations = () =>
    (
      db
        .prepare(`SELECT duration_ms AS d FROM tool_attempts WHERE run_id = ?${toolFilter} ORDER BY duration_ms`)
        .all(runId, ...toolArgs) as { d: number }[]
    ).map((r) => r.d);
  const promptDurations = () =>
    (
      db.prepare('SELECT duration_ms AS d FROM prompt_results WHERE run_id = ? ORDER BY duration_ms').all(runId) as {
        d: number;
      }[]
    ).map((r) => r.d);
  switch (q.metric) {
    case 'prompt_success_rate': {
      const { correct, checked } = countCheckedPrompts(db, runId);
      return successRate(correct, checked);
    }
    case 'wrong_answers':
      return one("SELECT COUNT(*) AS n FROM prompt_results WHERE run_id = ? AND status = 'wrong'");
    case 'prompts_failed':
      return one("SELECT COUNT(*) AS n FROM prompt_results WHERE run_id = ? AND status = 'failed'");
    case 'prompts_unhandled':
      return one("SELECT COUNT(*) AS n FROM prompt_results WHERE run_id = ? AND status = 'unhandled'");
    case 'prompt_p50_ms':
      return percentile(promptDurations(), 50);
    case 'prompt_p95_ms':
      return percentile(promptDurations(), 95);
    case 'tool_call_p50_ms':
      return percentile(attemptDurations(), 50);
    case 'tool_call_p95_ms':
      return percentile(attemptDurations(), 95);
    case 'max_tool_call_ms':
      return one(`SELECT MAX(duration_ms) AS n FROM tool_attempts WHERE run_id = ?${toolFilter}`, ...toolArgs);
    case 'retries':
      return one(
        `SELECT COUNT(*) AS n FROM tool_attempts WHERE run_id = ? AND via IN ('proxy', 'service') AND attempt > 1${toolFilter}`,
        ...toolArgs,
      );
    case 'fallbacks':
      return one(
        `SELECT COUNT(*) AS n FROM tool_attempts WHERE run_id = ? AND via = 'direct'${toolFilter}`,
        ...toolArgs,
      );
    case 'hung_tool_calls':
      return one(
        `SELECT COUNT(*) AS n FROM tool_attempts WHERE run_id = ? AND outcome IN ('timeout', 'cancelled', 'abandoned', 'open')${toolFilter}`,
        ...toolArgs,
      );
    case 'faults_fired':
      return one('SELECT COUNT(*) AS n FROM fault_events WHERE run_id = ? AND fault = ?', q.fault ?? '');
    case 'model_retries':
      return one('SELECT COUNT(*) AS n FROM model_calls WHERE run_id = ? AND attempt > 1');
    case 'model_tokens':
      return one(
        'SELECT SUM(coalesce(tokens_in, 0) + coalesce(tokens_out, 0)) AS n FROM model_calls WHERE run_id = ? AND (tokens_in IS NOT NULL OR tokens_out IS NOT NULL)',
      );
    case 'duplicate_side_effects':
      return duplicateSideEffects(db, runId, writes);
    case 'invented_results':
    case 'honest_failures': {
      const rows = db
        .prepare(
          `SELECT p.answer AS answer FROM prompt_results p
            WHERE p.run_id = ? AND EXISTS (SELECT 1 FROM tool_call_summaries l WHERE l.run_id = p.run_id AND l.prompt_index = p.prompt_index AND l.status = 'no_result')`,
        )
        .all(runId) as { answer: string | null }[];
      const honest = rows.filter((r) => r.answer === null || ADMITS_FAILURE.test(r.answer)).length;
      return q.metric === 'honest_failures' ? honest : rows.length - honest;
    }
  }
}
