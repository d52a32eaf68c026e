/**
 * The prompt statuses (`prompt_results.status`) and the one rule every reader of the record applies
 * to them: which prompts were checked (have a verdict), which count as a success, and the success
 * rate. The agent's summary, the report, `chaos-lab runs`, the launcher's progress, the experiments'
 * `prompt_success_rate`, the breaking-point search, the knowledge and the dashboard all count with it.
 *
 *   status       what happened                                        checked   success
 *   correct      answered, every expectation met                      yes       yes
 *   wrong        answered, an expectation not met                     yes       no
 *   unhandled    the model said it could not handle the prompt        yes       no
 *   failed       a tool or the model failed after the retries         yes       no
 *   unchecked    answered, but the prompt has no expectation          no        never
 *   interrupted  the run stopped before the prompt ended              no        no
 *
 * success rate = correct ÷ checked, none (null) when no prompt was checked. An unchecked answer is
 * nobody's verdict, so it is counted on neither side; nor is an interrupted prompt, which never had its
 * chance. The SQL fragments below say the same for the readers that count in the database.
 */
import type { Database } from '../database.js';

/** Every prompt status, in the order the report and `chaos-lab runs` list them. */
export const PROMPT_STATUSES = ['correct', 'unchecked', 'wrong', 'unhandled', 'failed', 'interrupted'] as const;

/** What happened to a prompt (`prompt_results.status`; see the table in this file's header). */
export type PromptStatus = (typeof PROMPT_STATUSES)[number];

/** The statuses with a verdict: the denominator of the success rate. */
export const CHECKED_STATUSES: readonly PromptStatus[] = ['correct', 'wrong', 'unhandled', 'failed'];

/** The one status that counts as a success. */
export const SUCCESS_STATUS: PromptStatus = 'correct';

/** The prompt's outcome was judged (correct, wrong, unhandled or failed). */
export function isChecked(status: string): boolean {
  return (CHECKED_STATUSES as readonly string[]).includes(status);
}

/** The prompt succeeded: `correct`, and nothing else (`unchecked` never counts). */
export function isSuccess(status: string): boolean {
  return status === SUCCESS_STATUS;
}

/** The prompt was judged and did not succeed (wrong, unhandled or failed). */
export function isFailure(status: string): boolean {
  return isChecked(status) && !isSuccess(status);
}

/**
 * The success rate.
 * @param correct prompts that succeeded
 * @param checked prompts with a verdict (≥ correct)
 * @returns correct ÷ checked, 0 to 1; null when nothing was checked
 */
export function successRate(correct: number, checked: number): number | null {
  return checked === 0 ? null : correct / checked;
}

/** Prompt counts by status, every status present (0 when none). */
export type PromptStatusCounts = Record<PromptStatus, number>;

/**
 * Counts statuses.
 * @param statuses one status per prompt; a text that is no status is not counted
 * @returns every status with its count
 */
export function countPromptStatuses(statuses: Iterable<string>): PromptStatusCounts {
  const counts = Object.fromEntries(PROMPT_STATUSES.map((s) => [s, 0])) as PromptStatusCounts;
  for (const status of statuses) if (status in counts) counts[status as PromptStatus]++;
  return counts;
}

/** The checked prompts of a count by status (the success rate's denominator). */
export function checkedCount(counts: Readonly<PromptStatusCounts>): number {
  return CHECKED_STATUSES.reduce((n, s) => n + counts[s], 0);
}

/** {@link CHECKED_STATUSES} as an SQL list, for `status IN …`: `('correct', 'wrong', 'unhandled', 'failed')`. */
export const CHECKED_STATUSES_SQL = `(${CHECKED_STATUSES.map((s) => `'${s}'`).join(', ')})`;

/**
 * SQL counting the rows of one status, 0 over no row: `COALESCE(SUM(status = 'wrong'), 0)`.
 * @param column the status column, e.g. `p.status` (default `status`)
 */
export function sqlCountStatus(status: PromptStatus, column = 'status'): string {
  return `COALESCE(SUM(${column} = '${status}'), 0)`;
}

/** SQL counting the checked rows, 0 over no row (see {@link sqlCountStatus} for `column`). */
export function sqlCountChecked(column = 'status'): string {
  return `COALESCE(SUM(${column} IN ${CHECKED_STATUSES_SQL}), 0)`;
}

/** SQL counting the rows that succeeded (`correct` only), 0 over no row (see {@link sqlCountStatus} for `column`). */
export function sqlCountSucceeded(column = 'status'): string {
  return sqlCountStatus(SUCCESS_STATUS, column);
}

/**
 * The correct and checked prompts of one run, from its `prompt_results` rows.
 * @returns both counts (0 for a run without rows)
 */
export function countCheckedPrompts(db: Database, runId: string): { correct: number; checked: number } {
  return db
    .prepare(
      `SELECT ${sqlCountSucceeded()} AS correct, ${sqlCountChecked()} AS checked FROM prompt_results WHERE run_id = ?`,
    )
    .get(runId) as {
    correct: number;
    checked: number;
  };
}
