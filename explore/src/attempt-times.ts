/**
 * The attempt times a breaking-point step observed: the durations of its runs' tool call attempts on
 * the target through its proxy (`tool_calls`, via `proxy`: the attempts the step's toxic acted on and
 * PROXY_TIMEOUT_MS bounds; a direct fallback has its own timeout), as step-rule.ts judges them.
 */
import type { Database } from '@chaos-lab/common';
import { percentile } from '@chaos-lab/experiment';

/**
 * The nearest-rank p95 of the attempt durations (experiment/src/measures.ts's percentile).
 * @param runIds the step's runs
 * @param service the target
 * @returns the p95 in ms (null without an attempt) and how many attempts it is of
 */
export function attemptTimes(
  db: Database,
  runIds: readonly string[],
  service: string,
): { attemptP95Ms: number | null; attempts: number } {
  if (runIds.length === 0) return { attemptP95Ms: null, attempts: 0 };
  const durations = (
    db
      .prepare(
        `SELECT duration_ms AS ms FROM tool_calls
          WHERE run_id IN (${runIds.map(() => '?').join(', ')}) AND service = ? AND via = 'proxy'
          ORDER BY duration_ms`,
      )
      .all(...runIds, service) as { ms: number }[]
  ).map((r) => r.ms);
  return { attemptP95Ms: percentile(durations, 95), attempts: durations.length };
}
