/**
 * Shared shapes of the offline model: what the planner produces from a prompt and what the replay reads
 * back from the conversation.
 *
 * ```
 *  prompt ──clauses──▶ routes ──▶ Plan: Step[] ─┬─ ToolTask (tool, needs, build, describe, answer)
 *                                               └─ Note (a sentence for the answer, no tool call)
 *  conversation (AIMessage tool_calls + ToolMessages) ──▶ CallResult[] per ToolTask ──▶ next calls | answer
 * ```
 */
import type { ToolName } from '@chaos-lab/common';

/** The ten tool names of the agent, from the lab's registry (the names the harness binds). */
export type { ToolName };

/** Tool arguments as the model writes them into `tool_calls[].args`. */
export type ToolArgs = Record<string, unknown>;

/** One tool call the model wants to make (the id is given when it is emitted). */
export interface PlannedCall {
  name: ToolName;
  args: ToolArgs;
}

/**
 * What came back for one tool call: `ok` with the parsed JSON body (or the raw text when the tool did not
 * answer JSON), or a failure with a human-readable reason (error ToolMessage, `{error}` body, or no answer).
 */
export type ToolOutcome = { ok: true; data: unknown } | { ok: false; reason: string };

/** A tool call as it was actually made (args from the conversation) and its outcome. */
export interface CallResult {
  call: PlannedCall;
  outcome: ToolOutcome;
}

/** A part of the answer that says what the model could not do: the full sentence for the user. */
export interface Cannot {
  cannot: string;
}

/** The results of a finished task, handed to the tasks that depend on it. */
export interface TaskResult {
  results: CallResult[];
  /** The task's part of the final answer, in plain sentences. */
  summary: string;
  /** True when at least one of its calls succeeded and answered what was asked. */
  ok: boolean;
  /** The sentences of the summary that say what could not be done (failed calls, unanswered questions). */
  cannot: string[];
}

/** A task that cannot run: `skip` is the full sentence the answer gives instead. */
export interface Skip {
  skip: string;
}

/** One unit of work: the calls of one tool for one part of the prompt. */
export interface ToolTask {
  kind: 'tool';
  tool: ToolName;
  /** Indices of earlier steps whose results `build` needs (the planner adds write-before-read ordering). */
  needs: number[];
  /** The calls to make, given the results of the `needs` steps (same order); or why it cannot run. */
  build(prior: TaskResult[]): PlannedCall[] | Skip;
  /** "get the weather for Paris": completes "I could not …" when a call fails. */
  describe(args: ToolArgs): string;
  /**
   * The sentence(s) for a successful call, written only from the tool's data; a {@link Cannot} when the
   * data does not answer what was asked (an unreadable body, a film without a director).
   */
  answer(args: ToolArgs, data: unknown): string | Cannot;
  /** Set on steps the prompt did not ask for by name (reading the inbox to "translate my latest
   * message"): their results feed later steps and the answer does not narrate them. */
  quiet?: boolean;
}

/** A sentence for the answer that needs no tool: what the model could not work out or do. */
export interface Note {
  kind: 'note';
  text: string;
}

/** An ordered piece of the plan. */
export type Step = ToolTask | Note;

/** Everything the planner needs besides the prompt text. */
export interface PlanContext {
  /** The reference instant for relative dates ("tomorrow"). */
  now: Date;
  /** Known place names and aliases (may be empty): matched case- and accent-insensitively. */
  places: readonly string[];
}
