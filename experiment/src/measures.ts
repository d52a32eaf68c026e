/**
 * Measures of one run, read from the record (the same views the report reads: `tool_attempts` and
 * `tool_call_summaries` hold the lab's own agent's tool calls and an agent over HTTP's requests as the
 * services saw them, docs/record.md) and, for duplicate side effects, from the services' own stores of
 * writes (read by the runner before the run's services stop: `GET /writes`). Percentiles are nearest-rank (the smallest value with at least p % of the
 * values at or below it); the report's run summary interpolates between ranks instead
 * (report/src/read-model/stats.ts), so the two may differ on small samples.
 */
import { countCheckedPrompts, successRate, type Database, type ToolName } from '@chaos-lab/common';
import { duplicateSideEffects, type ServiceWrite } from './duplicates.js';
import type { MeasureName } from './measure-names.js';

/** What a check asks to measure: the measure (its `metric` in the experiment file), and the `fault` or `tool` it is about. */
export interface MeasureQuery {
  readonly metric: MeasureName;
  readonly fault?: string;
  readonly tool?: ToolName;
}

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
