/**
 * Replays: a fault event that repeats one already observed, so it is not a new observation. The lab
 * is deterministic where it can be (a seeded chaos loop, planned faults, the offline model), and
 * `chaos-lab shrink` and `chaos-lab breaking-point` rerun one scenario on purpose: a shrink replays
 * the faults of one run with its seed many times over, a search run twice with one seed repeats every
 * step, and `npm start -- --seed 42` twice draws the same toxics on the same prompts. Counted as
 * independent, such runs would narrow a Wilson interval with copies of one outcome.
 *
 * The rule (docs/learning.md, "Replays"): the observation of a fault event is
 *   its run's settings profile (settings-profile.ts) + seed + prompts (their texts, in order)
 *   + the fault (target, kind, type, stream, toxicity, attributes) + the prompts it touched.
 * Events of different runs with one observation are one observation: the earliest counts, the others
 * are replays, shown apart (the knowledge's replay columns) and left out of every count and rate.
 * Two events of one run are never replays of each other (the run did meet the fault twice).
 */
import { createHash } from 'node:crypto';
import type { SettingsProfile } from './settings-profile.js';

/** What a run contributes to the observation of its events. */
export interface RunFacts {
  readonly runId: string;
  /** `runs.seed`. */
  readonly seed: number;
  readonly profile: SettingsProfile;
  /** SHA-256 (hex) of the run's prompt texts in order (`prompt_results.prompt`). */
  readonly promptsDigest: string;
}

/** The fields of a fault event the observation reads. */
export interface ObservedEvent {
  readonly id: number;
  readonly runId: string;
  readonly kind: string;
  readonly target: string;
  readonly type: string;
  readonly stream?: string | null;
  readonly toxicity: number | null;
  /** JSON text, as recorded. */
  readonly attributes: string;
  /** ms since the epoch: the earliest of a set of replays is the observation. */
  readonly startedAt: number;
}

/** JSON with object keys sorted, so `{"a":1,"b":2}` and `{"b":2,"a":1}` are one text. */
function canonical(text: string): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, x]) => [k, sort(x)]),
          )
        : v;
  try {
    return JSON.stringify(sort(JSON.parse(text)));
  } catch {
    return text;
  }
}

/** SHA-256 (hex) of texts in order: a run's prompts digest. */
export function promptsDigest(prompts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(prompts)).digest('hex');
}

/**
 * The observation an event makes (see the file comment).
 * @param promptsTouched the prompt indexes of the attempts it touched, any order
 */
export function observationKey(event: ObservedEvent, run: RunFacts, promptsTouched: Iterable<number>): string {
  return JSON.stringify([
    run.profile.id,
    run.seed,
    run.promptsDigest,
    event.target,
    event.kind,
    event.type,
    event.stream ?? null,
    event.toxicity,
    canonical(event.attributes),
    [...new Set(promptsTouched)].sort((a, b) => a - b),
  ]);
}

/**
 * The events that replay an earlier one.
 * @param events fault events of finished runs
 * @param runs the facts of their runs, by run id (an event of a run without facts is never a replay)
 * @param promptsTouched event id → the prompt indexes it touched
 * @returns replay event id → the id of the event it replays (the earliest with its observation)
 */
export function findReplays(
  events: readonly ObservedEvent[],
  runs: ReadonlyMap<string, RunFacts>,
  promptsTouched: (eventId: number) => Iterable<number>,
): Map<number, number> {
  const first = new Map<string, ObservedEvent>();
  const replays = new Map<number, number>();
  const ordered = [...events].sort((a, b) => a.startedAt - b.startedAt || a.id - b.id);
  for (const event of ordered) {
    const run = runs.get(event.runId);
    if (run === undefined) continue;
    const key = observationKey(event, run, promptsTouched(event.id));
    const original = first.get(key);
    if (original === undefined) first.set(key, event);
    else if (original.runId !== event.runId) replays.set(event.id, original.id);
  }
  return replays;
}
