/**
 * Builds the dashboard's views of a run (views.ts) with the report's own builders:
 * `loadRunData` → `analyzeRun` → `promptStories`, so the live page, the history and the HTML report
 * tell the same story from the same queries.
 */
import { MODEL_PART, SERVICES, steeringChanges, type Database } from '@chaos-lab/common';
import type { AttemptCount, AttemptDetail, FaultBar, PromptDetail, PromptLine, RunView } from './views.js';
import { analyzeRun, type FaultFact, type RunAnalysis } from './analysis.js';
import { describeFault, promptStories, type PromptStory } from './prompt-stories.js';
import { loadRunData } from './run-data.js';

/** The lanes in registry order: the seven tool proxies, then the model proxy. */
const LANES = [...SERVICES.map((s) => s.proxyName), MODEL_PART.proxyName];

function promptLine(story: PromptStory, finishedAt: number): PromptLine {
  return {
    promptIndex: story.promptIndex,
    prompt: story.prompt,
    status: story.status,
    verdict: story.verdict,
    attempts: story.attempts,
    durationMs: story.durationMs,
    finishedAt,
    rootCause: story.rootCause,
    rootInferred: story.rootInferred,
    tools: story.tools,
  };
}

function faultBar(f: FaultFact): FaultBar {
  return {
    id: f.id,
    lane: f.row,
    kind: f.kind,
    type: f.type,
    stream: f.stream,
    startS: f.startS,
    endS: f.endS,
    open: f.open,
  };
}

function attemptCounts(analysis: RunAnalysis): AttemptCount[] {
  const counts = new Map<string, AttemptCount>();
  for (const a of analysis.attempts) {
    const cause = a.cause ?? 'none';
    const key = JSON.stringify([a.outcome, cause, a.via]);
    const seen = counts.get(key);
    counts.set(key, { outcome: a.outcome, cause, via: a.via, count: (seen?.count ?? 0) + 1 });
  }
  return [...counts.values()];
}

/** The run page of a run (see `RunView`). @throws {LabError} `NOT_FOUND` for an unknown run. */
export function runView(db: Database, runId: string): RunView {
  const analysis = analyzeRun(loadRunData(db, runId));
  const { run } = analysis.data;
  const finishedAt = new Map(analysis.prompts.map((p) => [p.promptIndex, p.finishedAt]));
  const prompts = promptStories(analysis).map((s) => promptLine(s, finishedAt.get(s.promptIndex) ?? run.startedAt));
  const byStatus: Record<string, number> = {};
  for (const p of prompts) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
  const lanes = [...LANES, ...new Set(analysis.faults.map((f) => f.row).filter((r) => !LANES.includes(r)))];
  return {
    run: {
      runId: run.runId,
      status: run.status,
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      seed: run.seed,
      model: run.model,
      error: run.error,
      promptsTotal: run.promptsTotal,
      settings: run.settings,
    },
    progress: { done: prompts.length, total: run.promptsTotal, byStatus },
    prompts,
    lanes,
    faults: analysis.faults.map(faultBar),
    attempts: attemptCounts(analysis),
    spanS: analysis.durationS,
    steering: steeringChanges(db, runId),
  };
}

/** One prompt's drill-down, with the faults active on each attempt's service while it ran. */
export function promptDetail(db: Database, runId: string, promptIndex: number): PromptDetail | undefined {
  const analysis = analyzeRun(loadRunData(db, runId));
  const story = promptStories(analysis).find((s) => s.promptIndex === promptIndex);
  const row = analysis.prompts.find((p) => p.promptIndex === promptIndex);
  if (!story || !row) return undefined;
  const facts = new Map(
    analysis.attempts.map((a) => [JSON.stringify([a.promptIndex, a.promptAttempt, a.callId, a.attempt, a.via]), a]),
  );
  const calls = story.calls.map((call) => ({
    ...call,
    attempts: call.attempts.map((attempt): AttemptDetail => {
      const fact = facts.get(
        JSON.stringify([promptIndex, call.promptAttempt, call.callId, attempt.attempt, attempt.via]),
      );
      const active = fact
        ? analysis.faults.filter(
            (f) =>
              f.service === fact.service &&
              // A toxic sits on the proxy: a direct (fallback) attempt never meets it.
              (f.kind !== 'toxic' || fact.via !== 'direct') &&
              f.startedAt <= fact.startedAt + fact.durationMs &&
              (f.endedAt ?? Infinity) >= fact.startedAt,
          )
        : [];
      return { ...attempt, activeFaults: active.map(describeFault) };
    }),
  }));
  return {
    ...promptLine(story, row.finishedAt),
    answer: story.answer,
    errorType: story.errorType,
    error: story.error,
    calls,
  };
}
