/**
 * Verdicts on an agent the lab sees only from outside, where part of an expectation cannot be checked.
 *
 * For an agent over HTTP, the lab knows its tool calls from the services' records only. An expected
 * call absent from them is not proof the agent did not make it when a fault stood between the agent
 * and the service (the proxy held or cut the request), or when the records could not be read: those
 * expected calls are left out of the judgement, and a verdict that would have been `correct` is
 * `unchecked`, saying why. It is never `correct` on what the lab could not see.
 */
import type { Expectation } from '../verdicts/verdict-expectation.js';
import { type AnswerToJudge, type Verdict, judge } from '../verdicts/verdict.js';

/** Expected tool calls that cannot be checked, and why. */
export interface UncheckedCalls {
  /** Tool names whose expected calls are left out of the judgement. */
  readonly tools: readonly string[];
  /** One clause: why, e.g. `weather_proxy had a fault while the prompt ran`. */
  readonly reason: string;
}

/**
 * Judges an answer, leaving out expected calls that cannot be checked.
 * @param expectation the prompt's expectation, if any
 * @param input the answer and the calls seen
 * @param unchecked expected calls the lab cannot check (none: a plain {@link judge})
 * @returns `judge`'s verdict; with calls left out, `correct` becomes `unchecked` and `wrong` names
 *   what could not be checked too
 */
export function judgeWithLimits(
  expectation: Expectation | undefined,
  input: AnswerToJudge,
  unchecked: UncheckedCalls | undefined,
): Verdict {
  const expected = expectation?.tools ?? [];
  const left = expected.filter((e) => !(unchecked?.tools ?? []).includes(e.tool));
  if (!unchecked || left.length === expected.length) return judge(expectation, input);
  const verdict = judge({ ...expectation, tools: left }, input);
  const skipped = expected.filter((e) => !left.includes(e)).map((e) => e.tool);
  const note = `not checked: the calls of ${[...new Set(skipped)].join(', ')} (${unchecked.reason})`;
  if (verdict.status === 'correct') return { status: 'unchecked', verdict: `every other expectation met; ${note}` };
  if (verdict.status === 'wrong') return { status: 'wrong', verdict: `${verdict.verdict}; ${note}` };
  return verdict;
}
