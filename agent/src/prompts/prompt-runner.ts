/**
 * Runs one prompt through the agent: up to `PROMPT_LIMIT` attempts, each with its own deadline
 * (`PROMPT_TIMEOUT_MS`) through an abort signal, until one answers; then
 * judges the answer against the prompt's expectation (verdicts/verdict.ts, docs/prompts-and-verdicts.md).
 *
 * ```
 *  attempt ─▶ failed (agent threw, deadline, a tool call without a result) ─▶ next attempt, if any left
 *     └─────▶ answered ─▶ judge ─▶ correct | unchecked | wrong | unhandled   (final: never retried)
 * ```
 *
 * An attempt fails when the agent throws, runs past its deadline, or a tool call it made ended
 * without a result (its error tool message reached the model, which still answers: that answer is
 * kept, but the prompt is not counted as done). A wrong or unhandled answer is not retried: the
 * offline model is deterministic and would answer the same, and retrying a hosted model until it
 * happens to answer right would hide how often it answers wrong.
 */
import { performance } from 'node:perf_hooks';
import type { Logger } from '@chaos-lab/common';
import { AIMessage, type BaseMessage, HumanMessage } from '@langchain/core/messages';
import { classifyAgentError, errorMessage, runStopReason } from './prompt-errors.js';
import type { Prompt } from './prompts-file.js';
import type { PromptErrorType, PromptResultRow } from '../records/records.js';
import type { PromptAttemptContext } from '../tool-calls/tools.js';
import { type UncheckedCalls, judgeWithLimits } from '../under-test/verdict-limits.js';
import { type CallMade, type Verdict, unhandledNote } from '../verdicts/verdict.js';

/**
 * The part of a LangChain agent (`createAgent`) the runner uses. An agent under test seen from outside
 * also says which expected tool calls it cannot check (`unchecked`, see under-test/verdict-limits.ts).
 */
export interface InvokableAgent {
  invoke(
    input: { messages: BaseMessage[] },
    config: { signal: AbortSignal; context: PromptAttemptContext },
  ): Promise<{ messages: BaseMessage[]; unchecked?: UncheckedCalls }>;
}

/** How one attempt ended. */
interface PromptAttemptOutcome {
  readonly status: 'answered' | 'failed';
  readonly answer: string | null;
  readonly errorType: PromptErrorType | null;
  readonly error: string | null;
  /** The tool calls the attempt made, for the verdict. */
  readonly calls: readonly CallMade[];
  /** What the model said it could not do, when it marked its answer unhandled. */
  readonly unhandled?: string;
  /** Expected tool calls the agent's records cannot show. */
  readonly unchecked?: UncheckedCalls;
}

/** What the runner needs. */
export interface PromptRunnerDeps {
  readonly agent: InvokableAgent;
  /** `PROMPT_LIMIT`: attempts in all. */
  readonly promptLimit: number;
  /** `PROMPT_TIMEOUT_MS`: deadline of one attempt. */
  readonly promptTimeoutMs: number;
  /** The run's interruption. */
  readonly runSignal: AbortSignal;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** agent.log, bound to the run. */
  readonly log: Logger;
}

/** The final answer of an agent's message list: the last AI message's text (null when none) and its unhandled mark. */
function finalAnswer(messages: readonly BaseMessage[]): { answer: string | null; unhandled?: string } {
  const last = messages[messages.length - 1];
  if (!last || !AIMessage.isInstance(last) || (last.tool_calls?.length ?? 0) > 0) return { answer: null };
  const text = last.text.trim();
  const unhandled = unhandledNote(last);
  return { answer: text === '' ? null : text, ...(unhandled === undefined ? {} : { unhandled }) };
}

/** Runs one attempt of a prompt. Never throws. */
async function runPromptAttempt(
  prompt: Prompt,
  promptAttempt: number,
  deps: PromptRunnerDeps,
): Promise<PromptAttemptOutcome> {
  const deadline = AbortSignal.timeout(deps.promptTimeoutMs);
  const signal = AbortSignal.any([deadline, deps.runSignal]);
  const calls: CallMade[] = [];
  const context: PromptAttemptContext = { promptIndex: prompt.index, promptAttempt, signal, failures: [], calls };
  try {
    const state = await deps.agent.invoke({ messages: [new HumanMessage(prompt.prompt)] }, { signal, context });
    const { answer, unhandled } = finalAnswer(state.messages);
    const failure = context.failures[0];
    if (failure) {
      const more =
        context.failures.length > 1
          ? ` (and ${context.failures.length - 1} more tool call${context.failures.length > 2 ? 's' : ''})`
          : '';
      return {
        status: 'failed',
        answer,
        errorType: failure.failureType,
        error: `${failure.tool} gave no result: ${failure.error}${more}`,
        calls,
      };
    }
    if (answer === null)
      return { status: 'failed', answer, errorType: 'agent', error: 'the agent ended without an answer', calls };
    return {
      status: 'answered',
      answer,
      errorType: null,
      error: null,
      calls,
      ...(unhandled === undefined ? {} : { unhandled }),
      ...(state.unchecked && { unchecked: state.unchecked }),
    };
  } catch (err) {
    const interrupted = deps.runSignal.aborted;
    const timedOut = deadline.aborted && !interrupted;
    const errorType = classifyAgentError(err, { interrupted, timedOut });
    const error = timedOut
      ? `no answer within ${deps.promptTimeoutMs} ms`
      : interrupted
        ? runStopReason(deps.runSignal)
        : errorMessage(err);
    return { status: 'failed', answer: null, errorType, error, calls };
  }
}

/**
 * Runs a prompt to its one result.
 * @param prompt the prompt, with its expectation if it has one
 * @param deps the agent, limits, the run's signal, clock and log
 * @returns the prompt's `prompt_results` row: at the first attempt that answers, the verdict's status
 *   (`correct`, `unchecked`, `wrong` or `unhandled`, with `verdict` saying why); else `failed` with the
 *   last attempt's error (`interrupted`, with the attempts made, when the run's signal fired; no
 *   attempt starts after it)
 */
export async function runPrompt(prompt: Prompt, deps: PromptRunnerDeps): Promise<PromptResultRow> {
  const startedAt = deps.now();
  const log = deps.log.child({
    prompt_index: prompt.index,
    ...(prompt.id === undefined ? {} : { prompt_id: prompt.id }),
  });
  let outcome: PromptAttemptOutcome = {
    status: 'failed',
    answer: null,
    errorType: 'interrupted',
    error: 'the run was interrupted before the prompt started',
    calls: [],
  };
  let attempts = 0;
  let verdict: Verdict | undefined;
  while (attempts < deps.promptLimit && !deps.runSignal.aborted) {
    attempts += 1;
    const began = performance.now();
    outcome = await runPromptAttempt(prompt, attempts, deps);
    verdict =
      outcome.status === 'answered'
        ? judgeWithLimits(
            prompt.expect,
            { answer: outcome.answer ?? '', calls: outcome.calls, unhandled: outcome.unhandled },
            outcome.unchecked,
          )
        : undefined;
    log.info(
      {
        prompt_attempt: attempts,
        status: outcome.status,
        error_type: outcome.errorType,
        error: outcome.error,
        duration_ms: Math.round(performance.now() - began),
        answer: outcome.answer,
        ...(verdict === undefined ? {} : { verdict_status: verdict.status, verdict: verdict.verdict }),
      },
      outcome.status === 'answered' ? 'prompt attempt answered' : 'prompt attempt failed',
    );
    if (outcome.status === 'answered' || outcome.errorType === 'interrupted') break;
  }
  if (outcome.status === 'failed' && outcome.errorType !== 'interrupted' && attempts < deps.promptLimit) {
    // Attempts were left when the run was interrupted: the prompt is unfinished, not failed on its own.
    outcome = {
      ...outcome,
      errorType: 'interrupted',
      error: `the run was interrupted after ${attempts} failed attempt(s); last: ${outcome.error}`,
    };
  }
  return {
    promptIndex: prompt.index,
    promptId: prompt.id ?? null,
    tags: prompt.tags ?? [],
    prompt: prompt.prompt,
    status: verdict?.status ?? (outcome.errorType === 'interrupted' ? 'interrupted' : 'failed'),
    expectation: prompt.expect ?? null,
    verdict: verdict?.verdict ?? null,
    attempts,
    answer: outcome.answer,
    errorType: outcome.errorType,
    error: outcome.error,
    startedAt,
    finishedAt: deps.now(),
  };
}
