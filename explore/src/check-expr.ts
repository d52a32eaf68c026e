/**
 * A hypothesis check written on the command line, `METRIC >= N`, `METRIC <= N` or `METRIC = N`
 * (also `≥`, `≤`, `==`), e.g. `prompt_success_rate >= 0.8`: the experiment file's check (metric and an
 * absolute bound), validated by the same schema.
 */
import { LabError } from '@chaos-lab/common';
import { checkSchema, MEASURE_NAMES, type Check } from '@chaos-lab/experiment';

const OPS: Record<string, 'atLeast' | 'atMost' | 'equals'> = {
  '>=': 'atLeast',
  '≥': 'atLeast',
  '<=': 'atMost',
  '≤': 'atMost',
  '=': 'equals',
  '==': 'equals',
};

/**
 * Parses a check expression.
 * @param option the option's name, for the message (e.g. `--check`)
 * @throws {LabError} `VALIDATION` naming the option, the value and what is allowed
 */
export function parseCheckExpression(text: string, option = '--check'): Check {
  const m = /^\s*([a-z_0-9]+)\s*(>=|<=|==|=|≥|≤)\s*(-?[0-9.]+)\s*$/.exec(text);
  const bad = (why: string) => new LabError('VALIDATION', `${option} ${JSON.stringify(text)}: ${why}`);
  if (!m) throw bad('must be METRIC >= N, METRIC <= N or METRIC = N, e.g. "prompt_success_rate >= 0.8"');
  const [, metric, op, number] = m as unknown as [string, string, string, string];
  if (!(MEASURE_NAMES as readonly string[]).includes(metric))
    throw bad(`unknown metric ${metric} (metrics: ${MEASURE_NAMES.join(', ')})`);
  const bound = Number(number);
  if (!Number.isFinite(bound)) throw bad(`${number} is not a number`);
  const parsed = checkSchema.safeParse({ metric, [OPS[op]!]: bound });
  if (!parsed.success) throw bad(parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}

/** The check's operator and bound: `{ op: 'atLeast', bound: 0.8 }` (absolute bounds only). */
export function checkBound(check: Check): { op: 'atLeast' | 'atMost' | 'equals'; bound: number } {
  const op = check.atLeast !== undefined ? 'atLeast' : check.atMost !== undefined ? 'atMost' : 'equals';
  const bound = check[op];
  if (typeof bound !== 'number') throw new LabError('VALIDATION', `the check ${check.metric} needs an absolute bound`);
  return { op, bound };
}
