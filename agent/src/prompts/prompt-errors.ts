/**
 * Why a prompt attempt failed, as one `prompt_results.error_type` (docs/record.md):
 *
 * | type          | when |
 * |---------------|------|
 * | `network`     | a tool call the agent made ended without a result after a timeout, or a refused, reset or closed connection |
 * | `server`      | a tool call ended without a result after 5xx answers (its attempts and the fallback spent) |
 * | `tool_limit`  | the agent kept calling tools past its step limit (LangGraph's recursion limit) without answering |
 * | `model`       | the chat model's call failed (after its own client's retries) |
 * | `timeout`     | the attempt ran past `PROMPT_TIMEOUT_MS` |
 * | `interrupted` | the run was interrupted (SIGINT/SIGTERM) while the prompt was unfinished |
 * | `agent`       | anything else the agent threw, or it ended without an answer |
 */
import type { PromptErrorType } from '../records/records.js';
import { ModelCallError } from '../model/model-calls.js';

/** The errors along `err`'s cause chain, outermost first (at most 10). */
function causeChain(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e: unknown = err; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause)
    chain.push(e);
  return chain;
}

/**
 * Classifies what an agent invocation threw.
 * @param err the error
 * @param signals `interrupted`: the run's signal fired; `timedOut`: the attempt's deadline passed.
 *   Either wins over the error itself, which is then only the abort's echo.
 */
export function classifyAgentError(
  err: unknown,
  signals: { interrupted: boolean; timedOut: boolean },
): PromptErrorType {
  if (signals.interrupted) return 'interrupted';
  if (signals.timedOut) return 'timeout';
  const chain = causeChain(err);
  if (chain.some((e) => e instanceof Error && e.name === 'GraphRecursionError')) return 'tool_limit';
  if (chain.some((e) => e instanceof ModelCallError)) return 'model';
  return 'agent';
}

/** One line for the `error` column: the error's message, its root cause's when different. */
export function errorMessage(err: unknown): string {
  const chain = causeChain(err);
  const first = chain[0];
  const root = chain[chain.length - 1];
  const text = (e: unknown) => (e instanceof Error ? e.message : String(e));
  const message =
    first === root || text(root) === '' || text(first).includes(text(root))
      ? text(first)
      : `${text(first)} (${text(root)})`;
  return message.split('\n')[0]!.slice(0, 500);
}

/** What the run's stop signal is aborted with when the run is interrupted (a signal, an abort through steering). */
export class RunInterruptedError extends Error {
  constructor() {
    super('the run was interrupted');
    this.name = 'RunInterruptedError';
  }
}

/**
 * Why the run stopped, as a stopped prompt's error text.
 * @param runSignal the run's stop signal (aborted)
 * @returns `the run was interrupted`, or `the run failed: <why>` when the lab failed (a part died)
 */
export function runStopReason(runSignal: AbortSignal): string {
  const reason: unknown = runSignal.reason;
  return reason instanceof Error && !(reason instanceof RunInterruptedError)
    ? `the run failed: ${reason.message}`
    : new RunInterruptedError().message;
}
