/**
 * What a route is: the part of the planner that turns one clause of a given intent into plan steps for
 * one tool, and writes that tool's results as sentences. Shared helpers for reading service bodies.
 */
import type { Clause } from '../clauses.js';
import type { Intent } from '../intents.js';
import type { Cannot, Note, Step, ToolArgs, ToolTask } from '../types.js';

/** How the inbox was asked for, so a later step can pick the same message ("translate it"). */
export interface InboxRequest {
  /** Only messages whose sender contains this (case-insensitive), when set. */
  from?: string;
  /** How many of the newest messages were asked for (1 for "my latest message"); all when undefined. */
  count?: number;
}

/** The planner's state as routes see it while the prompt's clauses are planned in order. */
export interface RouteContext {
  /** The reference instant for relative dates. */
  now: Date;
  /** Known place names and aliases for weather. */
  places: readonly string[];
  /** Appends a step to the plan and returns its index. */
  add(step: Step): number;
  /** The index of the latest tool task planned so far, if any ("send the result to Bob" refers to it). */
  previousTask(): number | undefined;
  /** The day the latest calendar clause named, so "clear Friday and add 'Planning' at 10am" stays on Friday. */
  calendarDate?: string;
  /** The latest inbox read planned, and how it was asked for. */
  inbox?: { index: number; request: InboxRequest };
}

/** Plans the steps for clauses of one intent. */
export interface Route {
  intent: Intent;
  plan(clause: Clause, ctx: RouteContext): void;
}

/** A tool task without the `kind` tag, as routes write them. */
export type TaskSpec = Omit<ToolTask, 'kind'>;

/** Builds a ToolTask. */
export function toolTask(spec: TaskSpec): ToolTask {
  return { kind: 'tool', ...spec };
}

/**
 * Builds the common ToolTask: one call of `tool` with `args` fixed by the clause, needing no earlier step.
 * @param spec the tool, its arguments, and the task's `describe`, `answer` and `quiet` (see {@link ToolTask})
 */
export function singleCall(spec: Omit<TaskSpec, 'needs' | 'build'> & { args: ToolArgs }): ToolTask {
  const { args, ...task } = spec;
  return toolTask({ ...task, needs: [], build: () => [{ name: task.tool, args }] });
}

/** Builds a Note: a sentence the answer gives for a part of the prompt no tool call serves. */
export function note(text: string): Note {
  return { kind: 'note', text };
}

/** The object a service answered, or undefined when the body is not a JSON object. */
export function record(data: unknown): Record<string, unknown> | undefined {
  return typeof data === 'object' && data !== null && !Array.isArray(data)
    ? (data as Record<string, unknown>)
    : undefined;
}

/** A string field, or undefined. */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A finite number field, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** An array field's object items (anything else is dropped), or undefined when it is not an array. */
export function records(value: unknown): Array<Record<string, unknown>> | undefined {
  return Array.isArray(value)
    ? value.map(record).filter((r): r is Record<string, unknown> => r !== undefined)
    : undefined;
}

/**
 * Numbers as answers show them: at most 12 significant digits, so floating-point noise
 * (0.30000000000000004) never reaches the user, and no exponent for ordinary magnitudes.
 */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/** Marks a sentence as saying what the model could not do: the answer carries it, and is marked unhandled. */
export function cannot(sentence: string): Cannot {
  return { cannot: sentence };
}

/**
 * The sentence for a successful call whose body has an unexpected shape: says what came back without
 * pretending to understand it (never an invented result), marked as not answered.
 */
export function unreadable(service: string, data: unknown): Cannot {
  const raw = typeof data === 'string' ? data : JSON.stringify(data);
  const shown = raw.length > 200 ? `${raw.slice(0, 200)}…` : raw;
  return cannot(`The ${service} service answered, but not in a form I can read: ${shown}`);
}
