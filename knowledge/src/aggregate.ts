/**
 * The knowledge: the evidence (evidence.ts) folded into one row per settings profile × target × fault
 * kind × attribute band (settings-profile.ts, bands.ts): runs made with different settings are never
 * folded into one row, and a replay of an observation already made (replays.ts) is counted apart. A
 * full rebuild every time, not an increment: the record is the one truth, a rebuild is idempotent
 * (the same record gives the same rows), and it reads a few thousand rows in
 * milliseconds, so there is no cursor to keep in step with runs that are re-closed or deleted.
 *
 *   fault_events ─profile, bandOf─▶ key ─┬─ replays (replays.ts)              ─▶ counted apart, nothing else
 *                                        ├─ exposures (attempts, model calls)  ─▶ attempts, p95, recovery
 *                                        ├─ exposed prompts (their verdicts)    ─▶ success rate, Wilson interval
 *                                        ├─ prompts during it not using target  ─▶ bystanders
 *                                        └─ the runs' experiment checks         ─▶ duplicates, tolerance
 */
import { isChecked, isFailure, isSuccess, successRate } from '@chaos-lab/common';
import { bandOf } from './bands.js';
import type { Evidence, EventRow, PromptRow } from './evidence.js';
import { findReplays } from './replays.js';
import type { SettingsProfile } from './settings-profile.js';
import type { ResolvedTolerance } from './tolerance.js';
import { wilsonInterval } from './wilson.js';

/** One row of the knowledge (the `knowledge` table; see its migration for each column). */
export interface KnowledgeRow {
  /** The settings profile's id (settings-profile.ts): the runs behind the row were all made with its settings. */
  readonly settingsProfile: string;
  readonly target: string;
  readonly faultKind: string;
  readonly band: string;
  readonly bandGroup: string;
  readonly bandRank: number;
  /** Fault events of this key: the observations (replays left out). */
  readonly faultEvents: number;
  readonly runs: number;
  /** Fault events that replayed an observation of another run (replays.ts): in no other count. */
  readonly replayEvents: number;
  /** Runs whose every event of this key was a replay. */
  readonly replayRuns: number;
  readonly promptsExposed: number;
  /** Exposed prompts with a verdict (common/src/record/prompt-status.ts): correct, wrong, unhandled or failed. */
  readonly promptsChecked: number;
  readonly promptsCorrect: number;
  /** correct ÷ checked, 0–1; null without a checked prompt. */
  readonly successRate: number | null;
  /** 95% Wilson score interval of the success rate; null without a checked prompt. */
  readonly successLow: number | null;
  readonly successHigh: number | null;
  readonly failedCalls: number;
  readonly recoveredCalls: number;
  /** recovered ÷ failed calls, 0–1; null when no call failed under the fault. */
  readonly recoveryRate: number | null;
  readonly attempts: number;
  /** Nearest-rank p95 of the touched attempts' durations, ms (as experiment's tool_call_p95_ms). */
  readonly attemptP95Ms: number | null;
  /** Nearest-rank p95 of the exposed prompts' durations, ms (as experiment's prompt_p95_ms). */
  readonly promptP95Ms: number | null;
  /** Sum over the key's runs of the duplicate_side_effects an experiment measured; null when none was. */
  readonly duplicateSideEffects: number | null;
  readonly bystanderPrompts: number;
  readonly bystanderFailures: number;
  readonly hypothesisTolerance: number | null;
  /** Where hypothesisTolerance came from, in words (tolerance.ts); null with it. */
  readonly toleranceSource: string | null;
  /** ms since the epoch. */
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** Nearest-rank percentile (the experiment metrics' definition), null for no value. */
function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Items by key, in their order. */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group === undefined) groups.set(k, [item]);
    else group.push(item);
  }
  return groups;
}

const promptKey = (runId: string, promptIndex: number) => `${runId}/${promptIndex}`;

function parseAttributes(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The prompts of a run that ran during an event and never called its target (tool targets only). */
function bystanders(
  event: EventRow,
  prompts: readonly PromptRow[],
  servicesUsed: Evidence['servicesUsed'],
): PromptRow[] {
  if (event.target === 'model') return []; // every prompt uses the model: none stands by
  return prompts.filter(
    (p) =>
      p.runId === event.runId &&
      p.startedAt < event.endedAt &&
      p.finishedAt >= event.startedAt &&
      !(servicesUsed.get(promptKey(p.runId, p.promptIndex))?.has(event.target) ?? false),
  );
}

/**
 * Folds the evidence into knowledge rows.
 * @param evidence what readEvidence read
 * @returns one row per key (settings profile × target × fault kind × band), sorted by profile id, target, fault kind, band group and rank
 */
export function aggregate(evidence: Evidence): KnowledgeRow[] {
  const promptsByKey = new Map(evidence.prompts.map((p) => [promptKey(p.runId, p.promptIndex), p]));
  const promptsByRun = groupBy(evidence.prompts, (p) => p.runId);
  const exposuresByEvent = groupBy(evidence.exposures, (x) => x.eventId);

  const touched = (eventId: number) =>
    (exposuresByEvent.get(eventId) ?? []).flatMap((x) => (x.promptIndex === null ? [] : [x.promptIndex]));
  const replays = findReplays(evidence.events, evidence.runFacts, touched);

  interface Acc {
    key: ReturnType<typeof bandOf> & { target: string; settingsProfile: string };
    events: number;
    runs: Set<string>;
    replayEvents: number;
    replayRuns: Set<string>;
    prompts: Set<string>;
    failedCalls: Map<string, boolean>;
    /** attemptKey → duration: an attempt two events of the key touched counts once. */
    attemptMs: Map<string, number>;
    bystanders: Set<string>;
    bystanderFailures: Set<string>;
    firstSeen: number;
    lastSeen: number;
  }
  const accs = new Map<string, Acc>();
  for (const event of evidence.events) {
    const profile = evidence.runFacts.get(event.runId)?.profile;
    if (profile === undefined) continue; // not a finished run's
    const band = bandOf({ ...event, attributes: parseAttributes(event.attributes) });
    const id = `${profile.id}\u0000${event.target}\u0000${band.faultKind}\u0000${band.band}`;
    let acc = accs.get(id);
    if (acc === undefined) {
      acc = {
        key: { ...band, target: event.target, settingsProfile: profile.id },
        events: 0,
        runs: new Set(),
        replayEvents: 0,
        replayRuns: new Set(),
        prompts: new Set(),
        failedCalls: new Map(),
        attemptMs: new Map(),
        bystanders: new Set(),
        bystanderFailures: new Set(),
        firstSeen: event.startedAt,
        lastSeen: event.startedAt,
      };
      accs.set(id, acc);
    }
    if (replays.has(event.id)) {
      acc.replayEvents += 1;
      acc.replayRuns.add(event.runId);
      continue;
    }
    acc.events += 1;
    acc.runs.add(event.runId);
    acc.firstSeen = Math.min(acc.firstSeen, event.startedAt);
    acc.lastSeen = Math.max(acc.lastSeen, event.startedAt);
    for (const x of exposuresByEvent.get(event.id) ?? []) {
      acc.attemptMs.set(x.attemptKey, x.durationMs);
      if (x.promptIndex !== null && promptsByKey.has(promptKey(x.runId, x.promptIndex)))
        acc.prompts.add(promptKey(x.runId, x.promptIndex));
      if (x.failed) acc.failedCalls.set(x.callKey, x.callResult === 1);
    }
    for (const p of bystanders(event, promptsByRun.get(event.runId) ?? [], evidence.servicesUsed)) {
      const key = promptKey(p.runId, p.promptIndex);
      acc.bystanders.add(key);
      if (isFailure(p.status)) acc.bystanderFailures.add(key);
    }
  }

  const rows: KnowledgeRow[] = [];
  for (const acc of accs.values()) {
    const exposed = [...acc.prompts].map((k) => promptsByKey.get(k)!);
    const checked = exposed.filter((p) => isChecked(p.status));
    const correct = checked.filter((p) => isSuccess(p.status)).length;
    const interval = wilsonInterval(correct, checked.length);
    const recovered = [...acc.failedCalls.values()].filter(Boolean).length;
    const runs = [...acc.runs];
    const measured = runs.filter((r) => evidence.duplicates.has(r));
    const tolerance = runs
      .map((r) => evidence.tolerances.get(r))
      .reduce<ResolvedTolerance | undefined>(
        (a, t) => (t !== undefined && (a === undefined || t.value > a.value) ? t : a),
        undefined,
      );
    // A prompt that called the target in one event's window is not a bystander of another's.
    const bystanders = [...acc.bystanders].filter((k) => !acc.prompts.has(k));
    rows.push({
      settingsProfile: acc.key.settingsProfile,
      target: acc.key.target,
      faultKind: acc.key.faultKind,
      band: acc.key.band,
      bandGroup: acc.key.group,
      bandRank: acc.key.rank,
      faultEvents: acc.events,
      runs: runs.length,
      replayEvents: acc.replayEvents,
      replayRuns: [...acc.replayRuns].filter((r) => !acc.runs.has(r)).length,
      promptsExposed: exposed.length,
      promptsChecked: checked.length,
      promptsCorrect: correct,
      successRate: successRate(correct, checked.length),
      successLow: interval?.low ?? null,
      successHigh: interval?.high ?? null,
      failedCalls: acc.failedCalls.size,
      recoveredCalls: recovered,
      recoveryRate: acc.failedCalls.size === 0 ? null : recovered / acc.failedCalls.size,
      attempts: acc.attemptMs.size,
      attemptP95Ms: percentile([...acc.attemptMs.values()], 95),
      promptP95Ms: percentile(
        exposed.map((p) => p.durationMs),
        95,
      ),
      duplicateSideEffects:
        measured.length === 0 ? null : measured.reduce((n, r) => n + evidence.duplicates.get(r)!, 0),
      bystanderPrompts: bystanders.length,
      bystanderFailures: bystanders.filter((k) => acc.bystanderFailures.has(k)).length,
      hypothesisTolerance: tolerance?.value ?? null,
      toleranceSource: tolerance?.source ?? null,
      firstSeen: acc.firstSeen,
      lastSeen: acc.lastSeen,
    });
  }
  return rows.sort(
    (a, b) =>
      a.settingsProfile.localeCompare(b.settingsProfile) ||
      a.target.localeCompare(b.target) ||
      a.faultKind.localeCompare(b.faultKind) ||
      a.bandGroup.localeCompare(b.bandGroup) ||
      a.bandRank - b.bandRank,
  );
}

/** A settings profile of the knowledge, with how many finished runs were made with it. */
export interface ProfileSummary extends SettingsProfile {
  readonly runs: number;
}

/**
 * The settings profiles behind knowledge rows.
 * @param rows the knowledge (only their profiles are listed)
 * @returns one per profile, the one with the most runs first
 */
export function profilesOf(evidence: Evidence, rows: readonly KnowledgeRow[]): ProfileSummary[] {
  const used = new Set(rows.map((r) => r.settingsProfile));
  const byId = new Map<string, ProfileSummary>();
  for (const facts of evidence.runFacts.values()) {
    if (!used.has(facts.profile.id)) continue;
    const seen = byId.get(facts.profile.id);
    byId.set(facts.profile.id, { ...facts.profile, runs: (seen?.runs ?? 0) + 1 });
  }
  return [...byId.values()].sort((a, b) => b.runs - a.runs || a.id.localeCompare(b.id));
}
