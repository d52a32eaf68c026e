/**
 * Risk profiles: what the knowledge says of each target, from the evidence only. The seed's planner
 * scored risk with a formula that knew nothing of how much it had seen; here every statement is
 * bounded by its interval, and thin evidence says "unknown".
 *
 * A band's verdict (tolerance t: the share of checked prompts that must be correct):
 *   unknown  fewer than `minChecked` checked prompts (thin), or the Wilson interval straddles t
 *   held     the interval's low end ≥ t: the hypothesis held there with 95% confidence
 *   broken   the interval's high end < t: the prompts fail more than t allows, with 95% confidence
 * t is, in order: the caller's tolerance; the strictest prompt_success_rate bound an experiment checked
 * the band's runs with, a relative one resolved against its baseline (tolerance.ts); {@link DEFAULT_TOLERANCE}.
 *
 * A risk profile is per settings profile × target (settings-profile.ts): what a target does under one
 * set of limits and timeouts says nothing of it under another. A target's safe range, per fault kind: the bands that held. Its risk: the largest failure rate the
 * evidence proves, 1 − (the interval's high end), over its bands with enough evidence; its level:
 * `high` when a band broke, `low` when every band held, else `unknown`.
 */
import type { KnowledgeRow } from './aggregate.js';

/** The tolerance when neither the caller nor an experiment gave one: 80% of checked prompts correct (the shipped original-lab experiment's 0.8). */
export const DEFAULT_TOLERANCE = 0.8;
/** Checked prompts below which a band is unknown, whatever its interval. */
export const DEFAULT_MIN_CHECKED = 5;

/** How a band's verdict is reached. */
export interface ProfileOptions {
  /** 0–1; default per band (see the file comment). */
  readonly tolerance?: number;
  readonly minChecked?: number;
}

/** A band's verdict. */
export type BandVerdict = 'held' | 'broken' | 'unknown';

/** One band of a profile. */
export interface BandJudgement {
  readonly row: KnowledgeRow;
  readonly tolerance: number;
  /** Where the tolerance came from: `--tolerance`, the experiment's check (tolerance.ts), or `default`. */
  readonly toleranceFrom: string;
  readonly verdict: BandVerdict;
  /** Fewer checked prompts than `minChecked`: the verdict is unknown whatever the interval. */
  readonly thin: boolean;
  /** Why, in words: the interval against the tolerance, or the thin evidence. */
  readonly reason: string;
}

/** A target's risk profile under one settings profile. */
export interface RiskProfile {
  /** The settings profile's id (settings-profile.ts). */
  readonly settingsProfile: string;
  readonly target: string;
  /** Fault events behind it. */
  readonly observations: number;
  /** Checked prompt exposures behind it (a prompt exposed to two fault kinds counts in each). */
  readonly promptsChecked: number;
  readonly level: 'high' | 'low' | 'unknown';
  /** 1 − the highest Wilson high end among its bands with enough evidence: a failure rate the evidence proves; null when none has enough. */
  readonly provenFailureRate: number | null;
  /** Fault kind → labels of the bands that held; a kind with none is absent (unknown, or none safe). */
  readonly safeRange: Readonly<Record<string, readonly string[]>>;
  readonly bands: readonly BandJudgement[];
  /** ms since the epoch. */
  readonly lastSeen: number;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The verdict of one band (see the file comment). */
export function judgeBand(row: KnowledgeRow, options: ProfileOptions = {}): BandJudgement {
  const tolerance = options.tolerance ?? row.hypothesisTolerance ?? DEFAULT_TOLERANCE;
  const toleranceFrom =
    options.tolerance !== undefined
      ? '--tolerance'
      : row.hypothesisTolerance !== null
        ? (row.toleranceSource ?? 'an experiment')
        : 'default';
  const minChecked = options.minChecked ?? DEFAULT_MIN_CHECKED;
  const base = { row, tolerance, toleranceFrom };
  if (row.promptsChecked < minChecked || row.successLow === null || row.successHigh === null) {
    return {
      ...base,
      verdict: 'unknown',
      thin: true,
      reason: `thin evidence: ${row.promptsChecked} checked prompt${row.promptsChecked === 1 ? '' : 's'} (< ${minChecked})`,
    };
  }
  const interval = `${pct(row.successLow)}–${pct(row.successHigh)}`;
  // Say where a tolerance from an experiment came from: a relative bound's is not its factor.
  const from = base.toleranceFrom.startsWith('experiment') ? ` (${base.toleranceFrom})` : '';
  if (row.successLow >= tolerance)
    return { ...base, verdict: 'held', thin: false, reason: `success ${interval} ≥ ${pct(tolerance)}${from}` };
  if (row.successHigh < tolerance)
    return { ...base, verdict: 'broken', thin: false, reason: `success ${interval} < ${pct(tolerance)}${from}` };
  return { ...base, verdict: 'unknown', thin: false, reason: `success ${interval} straddles ${pct(tolerance)}${from}` };
}

/**
 * The risk profile of every target in the knowledge, per settings profile.
 * @param rows the knowledge (loadKnowledge or aggregate)
 * @returns one profile per settings profile × target, the riskiest first (level high, then the proven
 *   failure rate)
 */
export function riskProfiles(rows: readonly KnowledgeRow[], options: ProfileOptions = {}): RiskProfile[] {
  const byTarget = new Map<string, KnowledgeRow[]>();
  for (const row of rows) {
    const key = `${row.settingsProfile}\u0000${row.target}`;
    byTarget.set(key, [...(byTarget.get(key) ?? []), row]);
  }
  const profiles = [...byTarget.values()].map((own): RiskProfile => {
    const { target, settingsProfile } = own[0]!;
    const bands = own.map((row) => judgeBand(row, options));
    const judged = bands.filter((b) => !b.thin);
    const safeRange: Record<string, string[]> = {};
    for (const b of bands.filter((b) => b.verdict === 'held')) {
      const range = safeRange[b.row.faultKind] ?? [];
      range.push(b.row.band);
      safeRange[b.row.faultKind] = range;
    }
    return {
      settingsProfile,
      target,
      observations: own.reduce((n, r) => n + r.faultEvents, 0),
      promptsChecked: own.reduce((n, r) => n + r.promptsChecked, 0),
      level: bands.some((b) => b.verdict === 'broken')
        ? 'high'
        : bands.every((b) => b.verdict === 'held')
          ? 'low'
          : 'unknown',
      provenFailureRate: judged.length === 0 ? null : Math.max(...judged.map((b) => 1 - b.row.successHigh!)),
      safeRange,
      bands,
      lastSeen: Math.max(...own.map((r) => r.lastSeen)),
    };
  });
  const levelOrder = { high: 0, unknown: 1, low: 2 } as const;
  return profiles.sort(
    (a, b) =>
      levelOrder[a.level] - levelOrder[b.level] ||
      (b.provenFailureRate ?? -1) - (a.provenFailureRate ?? -1) ||
      a.target.localeCompare(b.target) ||
      a.settingsProfile.localeCompare(b.settingsProfile),
  );
}
