/**
 * Checks of the steady-state hypothesis: a metric's value against its tolerance, absolute (`atMost:
 * 2000`) or relative to the baseline (`atLeast: { baseline: 0.8 }` is 0.8 × the baseline's value).
 * A check holds when the value is within its bound; a value that cannot be measured (no checked
 * prompt, a baseline without a value) deviates, with the reason. On the baseline run itself relative
 * checks are skipped (they would compare it with itself), and so are checks marked `on: variants`
 * (what a fault must cause, e.g. retries) and checks of a fault the run does not have.
 */
import type { Bound, Check } from './file-schema.js';

/** How one check came out on one run. */
export interface CheckResult {
  /** 0-based position in the hypothesis. */
  readonly index: number;
  /** The check's name, or `metric[ fault][ tool]`. */
  readonly name: string;
  readonly metric: string;
  /** What was asked, e.g. `≥ 0.8 × baseline (0.75)` or `= 0`. */
  readonly tolerance: string;
  readonly value: number | null;
  /** The bound the value was compared with (absolute, or factor × baseline); null when unknown. */
  readonly bound: number | null;
  readonly outcome: 'held' | 'deviated' | 'skipped';
  /** Why it deviated or was skipped, when it did. */
  readonly reason?: string;
}

const OPS = { atLeast: '≥', atMost: '≤', equals: '=' } as const;

/** The check's display name. */
export function checkName(check: Check): string {
  return check.name ?? [check.metric, check.fault, check.tool].filter(Boolean).join(' ');
}

function opOf(check: Check): { op: keyof typeof OPS; bound: Bound } {
  if (check.atLeast !== undefined) return { op: 'atLeast', bound: check.atLeast };
  if (check.atMost !== undefined) return { op: 'atMost', bound: check.atMost };
  return { op: 'equals', bound: check.equals! };
}

/** Tolerance of a relative comparison: equal within this share of the bound (float noise). */
const EPSILON = 1e-9;

/**
 * Evaluates a check.
 * @param value the run's value of the metric (null: not measurable)
 * @param baseline the baseline's value (undefined on the baseline run itself)
 * @param applies false when the check is not about this run (a fault it does not have)
 */
export function evaluateCheck(
  check: Check,
  index: number,
  value: number | null,
  baseline: number | null | undefined,
  applies = true,
): CheckResult {
  const { op, bound } = opOf(check);
  const relative = typeof bound === 'object';
  const base = { index, name: checkName(check), metric: check.metric, value };
  const skipped = (reason: string): CheckResult => ({
    ...base,
    tolerance: `${OPS[op]} ${relative ? `${bound.baseline} × baseline` : bound}`,
    bound: null,
    outcome: 'skipped',
    reason,
  });
  if (!applies) return skipped('not a fault of this run');
  if (check.on === 'variants' && baseline === undefined) return skipped('checked on the variants only');
  if (relative && baseline === undefined)
    return {
      ...base,
      tolerance: `${OPS[op]} ${bound.baseline} × baseline`,
      bound: null,
      outcome: 'skipped',
      reason: 'relative to the baseline',
    };
  const limit = relative ? (baseline === null || baseline === undefined ? null : bound.baseline * baseline) : bound;
  const tolerance = relative
    ? `${OPS[op]} ${bound.baseline} × baseline (${limit === null ? 'no value' : round(limit)})`
    : `${OPS[op]} ${bound}`;
  if (limit === null)
    return {
      ...base,
      tolerance,
      bound: null,
      outcome: 'deviated',
      reason: 'the baseline has no value for this metric',
    };
  if (value === null)
    return { ...base, tolerance, bound: limit, outcome: 'deviated', reason: 'the run has no value for this metric' };
  const slack = EPSILON * Math.max(1, Math.abs(limit));
  const held =
    op === 'atLeast'
      ? value >= limit - slack
      : op === 'atMost'
        ? value <= limit + slack
        : Math.abs(value - limit) <= slack;
  return { ...base, tolerance, bound: limit, outcome: held ? 'held' : 'deviated' };
}

/** A number for display: integers as they are, others to 3 significant decimals. */
export function round(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toFixed(3)));
}

/** The console line of a check on a run: `  held      prompt_success_rate  0.92  ≥ 0.9`. */
export function checkLine(r: CheckResult): string {
  const value = r.value === null ? '–' : round(r.value);
  return `  ${r.outcome.padEnd(8)}  ${r.name.padEnd(36)} ${value.padStart(8)}  ${r.tolerance}${r.reason ? `  (${r.reason})` : ''}`;
}
