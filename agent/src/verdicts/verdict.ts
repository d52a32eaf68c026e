/**
 * The verdict on an answered prompt: does the answer meet the prompt's expectation
 * ({@link Expectation}, docs/prompts-and-verdicts.md)?
 *
 * ```
 *  model marked the answer unhandled? ──yes──▶ refusal expected? ──no──▶ unhandled
 *      │ no                                        │ yes: judged like any answer
 *      ▼                                           ▼
 *  expectation? ──none──▶ unchecked ("not checked")
 *      │
 *      ▼  refusal · tools · contains · any · matches · excludes, every one checked
 *  correct (all met) | wrong (verdict lists each expectation not met)
 * ```
 *
 * Only the offline model marks its answers unhandled (`response_metadata.unhandled`, see
 * {@link unhandledNote}). A hosted model's "I can't" is read from its words ({@link readsAsRefusal}):
 * where an answer was expected it is `wrong`, never `unhandled`, since nothing but the words says so.
 */
import type { PromptStatus } from '@chaos-lab/common';
import type { AIMessage } from '@langchain/core/messages';
import type { Expectation, ExpectedCall } from './verdict-expectation.js';

/** A tool call the model made in the attempt: the tool and the arguments it gave. */
export interface CallMade {
  readonly tool: string;
  readonly args: Readonly<Record<string, unknown>>;
}

/** What the verdict reads. */
export interface AnswerToJudge {
  readonly answer: string;
  /** Every tool call of the answering attempt, in the order they were made. */
  readonly calls: readonly CallMade[];
  /** What the model said it could not do, when it marked its answer unhandled. */
  readonly unhandled?: string;
}

/** A status of an answered prompt and why. */
export interface Verdict {
  readonly status: Exclude<PromptStatus, 'failed' | 'interrupted'>;
  /** One line: "every expectation met", "not checked", or each expectation not met, joined by "; ". */
  readonly verdict: string;
}

/**
 * The key of `response_metadata` on the final AIMessage under which a model says it could not handle
 * the prompt (a one-line reason). The offline model sets it; the prompt runner reads it.
 */
export const UNHANDLED_KEY = 'unhandled';

/** The reason a final AI message carries under {@link UNHANDLED_KEY}, or undefined. */
export function unhandledNote(message: AIMessage): string | undefined {
  const value = (message.response_metadata as Record<string, unknown> | undefined)?.[UNHANDLED_KEY];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * A line that opens with an "I can't": "I could not…", "Sorry, I can't…", "Unfortunately I am unable…",
 * "I don't know…". Only a line's opening counts, so a quoted message ("Bob wrote: I can't make it") does not.
 */
const REFUSAL_LINE =
  /^\s*(?:(?:sorry|i'm sorry|i am sorry|unfortunately|apologies)[,.!]?\s*(?:but\s+)?)?i\s*(?:could\s*not|couldn['’]t|can\s*not|can['’]t|am\s+(?:not\s+able|unable)|'m\s+(?:not\s+able|unable)|was\s+(?:not\s+able|unable)|do\s+not\s+know|don['’]t\s+know|do\s+not\s+have\s+(?:access|a\s+way)|don['’]t\s+have\s+(?:access|a\s+way)|did\s+not|didn['’]t)\b/i;

/** True when some line of the answer opens with an honest "I can't" (see {@link REFUSAL_LINE}). */
export function readsAsRefusal(answer: string): boolean {
  return answer.split('\n').some((line) => REFUSAL_LINE.test(line.replace(/^[-*\d.\s]+/, '')));
}

const fold = (s: string): string => s.normalize('NFKC').toLocaleLowerCase('en');

/** True when an argument the model gave matches the expected one (strings: contained, ignoring case). */
function argMatches(actual: unknown, expected: string | number | boolean): boolean {
  if (typeof expected === 'string') {
    const value =
      typeof actual === 'string'
        ? actual
        : typeof actual === 'number' || typeof actual === 'boolean'
          ? String(actual)
          : JSON.stringify(actual ?? '');
    return fold(value).includes(fold(expected));
  }
  return actual === expected || (typeof actual === 'string' && actual.trim() === String(expected));
}

/** `get_weather(city: "London")`, for verdicts. */
function showCall(tool: string, args: Readonly<Record<string, unknown>> | undefined): string {
  const shown = Object.entries(args ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`);
  return `${tool}(${shown.join(', ')})`;
}

/** The expected calls no call of the attempt matches, each as one sentence. */
function missingCalls(expected: readonly ExpectedCall[], calls: readonly CallMade[]): string[] {
  const made =
    calls.length === 0 ? 'no tool was called' : `calls made: ${calls.map((c) => showCall(c.tool, c.args)).join(', ')}`;
  return expected
    .filter(
      (e) =>
        !calls.some(
          (c) => c.tool === e.tool && Object.entries(e.args ?? {}).every(([k, v]) => argMatches(c.args[k], v)),
        ),
    )
    .map((e) => `expected a call ${showCall(e.tool, e.args)} (${made})`);
}

/**
 * Judges an answer.
 * @param expectation the prompt's expectation; undefined when the prompt has none
 * @param input the answer, the attempt's tool calls, and the model's unhandled mark if any
 * @returns `unhandled` when the model marked the answer so and no refusal was expected; `unchecked`
 *   without an expectation; else `correct` when every field holds, `wrong` naming each that does not
 */
export function judge(expectation: Expectation | undefined, input: AnswerToJudge): Verdict {
  if (input.unhandled !== undefined && expectation?.refusal !== true) {
    return { status: 'unhandled', verdict: `the model could not handle the prompt: ${input.unhandled}` };
  }
  if (expectation === undefined) return { status: 'unchecked', verdict: 'not checked' };
  const answer = fold(input.answer);
  const failures: string[] = [];
  const refused = input.unhandled !== undefined || readsAsRefusal(input.answer);
  if (expectation.refusal === true && !refused)
    failures.push('expected an honest refusal ("I can\'t …"), got an answer');
  if (expectation.refusal !== true && refused)
    failures.push('the answer says it could not do what was asked, where an answer was expected');
  failures.push(...missingCalls(expectation.tools ?? [], input.calls));
  for (const t of expectation.contains ?? [])
    if (!answer.includes(fold(t))) failures.push(`the answer does not contain "${t}"`);
  if (expectation.any && !expectation.any.some((t) => answer.includes(fold(t)))) {
    failures.push(`the answer contains none of ${expectation.any.map((t) => `"${t}"`).join(', ')}`);
  }
  if (expectation.matches !== undefined && !new RegExp(expectation.matches, 'iu').test(input.answer)) {
    failures.push(`the answer does not match /${expectation.matches}/i`);
  }
  for (const t of expectation.excludes ?? [])
    if (answer.includes(fold(t))) failures.push(`the answer contains "${t}", which it must not`);
  return failures.length === 0
    ? { status: 'correct', verdict: 'every expectation met' }
    : { status: 'wrong', verdict: failures.join('; ') };
}
