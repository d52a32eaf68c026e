/**
 * Each prompt's whole story, read from the record alone (docs/record.md):
 *
 *   prompt_results ─▶ tool_call_summaries (tool, arguments, status, result digest)
 *                        └─▶ tool_attempts (via, outcome, duration) ─▶ attempt_causes (cause, fault event)
 *
 * Both sources tell it the same way: the lab's own agent's calls, and an agent over HTTP's requests as
 * the services saw them (via `service`), each saying how it was tied to the prompt.
 *
 * Attempts whose call has no `logical_calls` row (a run recorded before schema v2, or an agent that
 * died mid-call) still appear, under a call rebuilt from the attempts, with unknown arguments.
 */
import type { PromptStatus } from '@chaos-lab/common';
import type { AttemptFact, FaultFact, RunAnalysis } from './analysis.js';
import type { CallAttribution } from './run-rows.js';
import { groupBy } from './stats.js';

/** One attempt of a tool call, as the report shows it. */
export interface AttemptStory {
  readonly attempt: number;
  /** `service`: seen at the service (an agent over HTTP). */
  readonly via: 'proxy' | 'direct' | 'service';
  /** How the attempt is tied to its prompt; `inferred_time` is shown as "tied by time". */
  readonly attribution: CallAttribution;
  /** The outcome with its HTTP status, e.g. `ok 200`, `http_error 503`, `timeout`. */
  readonly outcome: string;
  readonly durationMs: number;
  /** Seconds since the run started. */
  readonly startS: number;
  /** The failure's cause; null when the attempt got an answer. */
  readonly cause: string | null;
  /**
   * The fault blamed, in words (e.g. `toxic #4 timeout upstream on calendar_proxy {"timeout":3100}`); for an answered
   * attempt, the toxic it met on its proxy, if any; null otherwise.
   */
  readonly fault: string | null;
}

/** One logical tool call and its attempts. */
export interface CallStory {
  readonly callId: string;
  readonly promptAttempt: number;
  readonly tool: string;
  /** The model's arguments; null when the call has no logical_calls row. */
  readonly arguments: Record<string, unknown> | null;
  /** `result`, `refused`, `no_result`, `agent_error`; `unrecorded` without a logical_calls row. */
  readonly status: string;
  /** The first characters of the answer; null without one. */
  readonly resultDigest: string | null;
  /** In the order they were made. */
  readonly attempts: readonly AttemptStory[];
}

/** One prompt, everything the per-prompt table shows. */
export interface PromptStory {
  readonly promptIndex: number;
  readonly promptId: string | null;
  readonly prompt: string;
  readonly status: PromptStatus;
  readonly verdict: string | null;
  /** Prompt attempts made. */
  readonly attempts: number;
  readonly errorType: string | null;
  readonly error: string | null;
  readonly answer: string | null;
  readonly durationMs: number;
  /** The root cause (prompt_causes) of a prompt that did not end well; null otherwise or when nothing explains it. */
  readonly rootCause: string | null;
  /** True when the root cause rests on an inference (a request tied by time, a fault on an unseen expected call). */
  readonly rootInferred: boolean;
  /** In the order they started. */
  readonly calls: readonly CallStory[];
  /** Distinct tools called, in first-call order. */
  readonly tools: readonly string[];
  /** Distinct causes of its failed attempts, in first-seen order. */
  readonly causes: readonly string[];
}

/** A fault in words, for an attempt's cause. */
export function describeFault(f: FaultFact): string {
  const what =
    f.kind === 'toxic'
      ? `toxic #${f.id} ${f.type}${f.stream ? ` ${f.stream}` : ''} on ${f.row}`
      : `${f.kind} #${f.id} ${f.type} of ${f.service}`;
  const attributes = Object.keys(f.attributes).length > 0 ? ` ${JSON.stringify(f.attributes)}` : '';
  return what + attributes;
}

function attemptStory(a: AttemptFact, faults: Map<number, FaultFact>): AttemptStory {
  const fault = a.faultEventId === null ? undefined : faults.get(a.faultEventId);
  return {
    attempt: a.attempt,
    via: a.via,
    attribution: a.attribution,
    outcome: a.httpStatus === null ? a.outcome : `${a.outcome} ${a.httpStatus}`,
    durationMs: a.durationMs,
    startS: a.startS,
    cause: a.cause,
    // A fault of another run (or one removed from the record) is still named by its id; an answered
    // attempt that met a toxic on its proxy says so (it may explain a slow answer).
    fault: fault
      ? describeFault(fault)
      : a.faultEventId !== null
        ? `fault event #${a.faultEventId}`
        : a.cause === null && a.underToxic
          ? `${a.via === 'service' ? 'answered at the service' : 'answered'} under a ${a.toxicType} toxic on ${a.service}_proxy`
          : null,
  };
}

/**
 * Builds every recorded prompt's story.
 * @param analysis the run's facts (see `analyzeRun`)
 * @returns one story per prompt result, in prompt order
 */
export function promptStories(analysis: RunAnalysis): PromptStory[] {
  const { logicalCalls, promptCauses } = analysis.data;
  const faults = new Map(analysis.faults.map((f) => [f.id, f]));
  const rootCause = new Map(promptCauses.map((c) => [c.promptIndex, c]));
  const key = (promptIndex: number, promptAttempt: number, callId: string) =>
    JSON.stringify([promptIndex, promptAttempt, callId]);
  const attemptsByCall = groupBy(analysis.attempts, (a) => key(a.promptIndex, a.promptAttempt, a.callId));
  const logicalByCall = new Map(logicalCalls.map((c) => [key(c.promptIndex, c.promptAttempt, c.callId), c]));

  const calls: (CallStory & { promptIndex: number; startedAt: number })[] = [];
  for (const c of logicalCalls) {
    const attempts = attemptsByCall.get(key(c.promptIndex, c.promptAttempt, c.callId)) ?? [];
    calls.push({
      promptIndex: c.promptIndex,
      startedAt: c.startedAt,
      callId: c.callId,
      promptAttempt: c.promptAttempt,
      tool: c.tool,
      arguments: c.arguments,
      status: c.status,
      resultDigest: c.resultDigest,
      attempts: attempts.map((a) => attemptStory(a, faults)),
    });
  }
  for (const [k, attempts] of attemptsByCall) {
    if (logicalByCall.has(k)) continue;
    const first = attempts[0]!;
    calls.push({
      promptIndex: first.promptIndex,
      startedAt: first.startedAt,
      callId: first.callId,
      promptAttempt: first.promptAttempt,
      tool: first.tool,
      arguments: null,
      status: 'unrecorded',
      resultDigest: null,
      attempts: attempts.map((a) => attemptStory(a, faults)),
    });
  }
  calls.sort((a, b) => a.startedAt - b.startedAt);
  const callsByPrompt = groupBy(calls, (c) => String(c.promptIndex));

  return analysis.prompts.map((p) => {
    const own = (callsByPrompt.get(String(p.promptIndex)) ?? []).map(
      ({ promptIndex: _p, startedAt: _s, ...call }) => call,
    );
    const causes = own.flatMap((c) => c.attempts.map((a) => a.cause)).filter((c): c is string => c !== null);
    return {
      promptIndex: p.promptIndex,
      promptId: p.promptId,
      prompt: p.prompt,
      status: p.status,
      verdict: p.verdict,
      attempts: p.attempts,
      errorType: p.errorType,
      error: p.error,
      answer: p.answer,
      durationMs: p.durationMs,
      rootCause: rootCause.get(p.promptIndex)?.rootCause ?? null,
      rootInferred: rootCause.get(p.promptIndex)?.rootInferred ?? false,
      calls: own,
      tools: [...new Set(own.map((c) => c.tool))],
      causes: [...new Set(causes)],
    };
  });
}
