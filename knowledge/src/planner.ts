/**
 * The planner: which faults are worth running next, each with its reason from the knowledge. Three
 * kinds of choice, taken in turn (one of each, then again) until `maxVariants`:
 *
 *   transition   two adjacent bands of one target and fault kind whose success rates differ by at least
 *                {@link SHARP_CHANGE} → a fault at the edge between them; or a band whose interval
 *                straddles the tolerance → that band again, to narrow it. (A breaking point found by a
 *                search would be sharper; this planner reads only its own knowledge.)
 *   riskiest     the riskiest target (profiles.ts) → the band just below its weakest broken band, to
 *                find where it starts to hold, or that broken band again when the one below is known.
 *   never_tried  a tool service × fault kind the knowledge has no row of, the least observed targets
 *                first → a fault in the kind's middle band.
 *
 * Faults can only be planned on tool services (an experiment's fault plan targets services); the
 * model's knowledge is reported, never planned here. The planner reads one settings profile's
 * knowledge (settings-profile.ts) at a time: a band of another profile was learnt under other limits
 * or timeouts, and a fault tried only there is still never tried under this one.
 */
import { SERVICE_NAMES, type ServiceName } from '@chaos-lab/common';
import type { KnowledgeRow } from './aggregate.js';
import { BANDS, bandLabel, bandValue } from './bands.js';
import { riskProfiles, type ProfileOptions } from './profiles.js';

/** Adjacent bands whose success rates differ by this much (0–1) mark a transition. */
export const SHARP_CHANGE = 0.3;

/** The fault kinds the planner may choose, in the order it tries them on a target never faulted so. */
export const PLANNABLE_KINDS = [
  'toxic:latency',
  'toxic:timeout',
  'http_error',
  'service:kill',
  'toxic:bandwidth',
  'toxic:reset_peer',
  'toxic:slow_close',
  'toxic:slicer',
  'toxic:limit_data',
  'service:pause',
] as const;

/** Why a fault was chosen. */
export type ChoiceKind = 'transition' | 'riskiest' | 'never_tried';

/** One chosen fault. */
export interface PlanChoice {
  readonly kind: ChoiceKind;
  readonly target: ServiceName;
  /** One of {@link PLANNABLE_KINDS}. */
  readonly faultKind: string;
  /** The attribute's value in its unit (the HTTP status for http_error; the duration, ms, of a service fault). */
  readonly value: number;
  /** The band the value falls in (bands.ts label). */
  readonly band: string;
  /** The reason, from the knowledge, in one sentence. */
  readonly reason: string;
}

/** What the planner needs besides the knowledge. */
export interface PlannerOptions extends ProfileOptions {
  /** Faults to choose at most (≥ 1). */
  readonly maxVariants: number;
  /** The settings profile's id whose knowledge is read; rows of other profiles are ignored (undefined: none is read, nothing is known). */
  readonly settingsProfile: string | undefined;
}

const pct = (x: number | null) => (x === null ? 'no checked prompt' : `${Math.round(x * 100)}%`);
const isService = (t: string): t is ServiceName => (SERVICE_NAMES as readonly string[]).includes(t);
const plannable = (r: KnowledgeRow) =>
  isService(r.target) &&
  (PLANNABLE_KINDS as readonly string[]).includes(r.faultKind) &&
  r.bandRank >= 0 &&
  !r.bandGroup.includes('toxicity');
const evidence = (r: KnowledgeRow) =>
  `${r.band}: ${r.promptsCorrect}/${r.promptsChecked} correct (${pct(r.successLow)}–${pct(r.successHigh)}) over ${r.faultEvents} fault event${r.faultEvents === 1 ? '' : 's'}`;

/** The value planned for a band of a known row (http_error: its status). */
function rowValue(row: KnowledgeRow): number {
  const def = BANDS[row.faultKind]!;
  return def.exact ? Number(row.band.split(' ')[1]) : bandValue(def, row.bandRank);
}

function transitions(rows: readonly KnowledgeRow[], options: ProfileOptions & { tolerance: number }): PlanChoice[] {
  const choices: PlanChoice[] = [];
  const groups = new Map<string, KnowledgeRow[]>();
  for (const r of rows.filter(plannable)) {
    const key = `${r.target}/${r.faultKind}/${r.bandGroup}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const sorted = group.sort((a, b) => a.bandRank - b.bandRank);
    for (let i = 1; i < sorted.length; i++) {
      const [a, b] = [sorted[i - 1]!, sorted[i]!];
      const def = BANDS[a.faultKind]!;
      if (def.exact || b.bandRank !== a.bandRank + 1 || a.successRate === null || b.successRate === null) continue;
      if (Math.abs(a.successRate - b.successRate) < SHARP_CHANGE) continue;
      const edge = def.edges[a.bandRank]!;
      choices.push({
        kind: 'transition',
        target: a.target as ServiceName,
        faultKind: a.faultKind,
        value: edge,
        band: bandLabel(def, b.bandRank),
        reason:
          `success changes sharply between ${evidence(a)} and ${evidence(b)}: probe the edge, ${def.attribute} ${edge} ${def.unit}`.trimEnd(),
      });
    }
    for (const r of sorted) {
      const t = options.tolerance;
      if (
        r.successLow !== null &&
        r.successHigh !== null &&
        r.successLow < t &&
        r.successHigh >= t &&
        r.promptsChecked >= (options.minChecked ?? 0)
      ) {
        choices.push({
          kind: 'transition',
          target: r.target as ServiceName,
          faultKind: r.faultKind,
          value: rowValue(r),
          band: r.band,
          reason: `the interval straddles the tolerance ${pct(t)}: ${evidence(r)}; more runs narrow it`,
        });
      }
    }
  }
  return choices;
}

function riskiest(rows: readonly KnowledgeRow[], options: ProfileOptions): PlanChoice[] {
  const choices: PlanChoice[] = [];
  for (const profile of riskProfiles(rows.filter(plannable), options).filter((p) => p.level === 'high')) {
    const broken = profile.bands
      .filter((b) => b.verdict === 'broken')
      .sort((a, b) => a.row.bandRank - b.row.bandRank)[0]!;
    const row = broken.row;
    const def = BANDS[row.faultKind]!;
    const below = profile.bands.find(
      (b) =>
        b.row.faultKind === row.faultKind && b.row.bandGroup === row.bandGroup && b.row.bandRank === row.bandRank - 1,
    );
    const probeBelow = !def.exact && row.bandRank > 0 && (below === undefined || below.verdict === 'unknown');
    const rank = probeBelow ? row.bandRank - 1 : row.bandRank;
    choices.push({
      kind: 'riskiest',
      target: row.target as ServiceName,
      faultKind: row.faultKind,
      value: probeBelow ? bandValue(def, rank) : rowValue(row),
      band: probeBelow ? bandLabel(def, rank) : row.band,
      reason: `${profile.target} is among the riskiest targets: ${evidence(row)} broke the ${pct(broken.tolerance)} tolerance; ${
        probeBelow
          ? `the band below (${bandLabel(def, rank)}) is ${below === undefined ? 'untried' : 'unknown'}: is it safe?`
          : 'run it again to confirm'
      }`,
    });
  }
  return choices;
}

function neverTried(rows: readonly KnowledgeRow[]): PlanChoice[] {
  const observed = new Map<string, number>(SERVICE_NAMES.map((s) => [s, 0]));
  for (const r of rows) if (observed.has(r.target)) observed.set(r.target, observed.get(r.target)! + r.faultEvents);
  const tried = new Set(rows.map((r) => `${r.target}/${r.faultKind}`));
  const targets = [...SERVICE_NAMES].sort(
    (a, b) => observed.get(a)! - observed.get(b)! || SERVICE_NAMES.indexOf(a) - SERVICE_NAMES.indexOf(b),
  );
  // Diagonal by diagonal over targets × kinds (target i with kind 0, target i-1 with kind 1, …), so
  // the first choices spread over targets and kinds alike.
  const pairs = targets.flatMap((target, t) =>
    PLANNABLE_KINDS.map((faultKind, k) => ({ target, faultKind, order: t + k, k })),
  );
  pairs.sort((a, b) => a.order - b.order || a.k - b.k);
  const choices: PlanChoice[] = [];
  for (const { target, faultKind } of pairs) {
    if (tried.has(`${target}/${faultKind}`)) continue;
    const def = BANDS[faultKind]!;
    const rank = def.exact ? 0 : Math.min(1, def.edges.length);
    const value = def.exact ? 503 : bandValue(def, rank);
    choices.push({
      kind: 'never_tried',
      target,
      faultKind,
      value,
      band: def.exact ? `${def.attribute} ${value}` : bandLabel(def, rank),
      reason: `${faultKind} was never tried on ${target} (${observed.get(target)} fault event${observed.get(target) === 1 ? '' : 's'} on it in all)`,
    });
  }
  return choices;
}

/**
 * Chooses the faults of the next experiment.
 * @param knowledge the knowledge (every profile's; only `options.settingsProfile`'s rows are read)
 * @param options the settings profile, the tolerance (default per profiles.ts), the evidence floor, how
 *   many faults at most
 * @returns at most `maxVariants` choices, one target × fault kind × band each, taken in turn from the
 *   transitions, the riskiest targets and the kinds never tried
 */
export function chooseFaults(
  knowledge: readonly KnowledgeRow[],
  options: PlannerOptions & { tolerance: number },
): PlanChoice[] {
  const rows = knowledge.filter((r) => r.settingsProfile === options.settingsProfile);
  const queues = [transitions(rows, options), riskiest(rows, options), neverTried(rows)];
  const chosen: PlanChoice[] = [];
  const seen = new Set<string>();
  while (chosen.length < options.maxVariants && queues.some((q) => q.length > 0)) {
    for (const queue of queues) {
      while (queue.length > 0 && chosen.length < options.maxVariants) {
        const choice = queue.shift()!;
        const key = `${choice.target}/${choice.faultKind}/${choice.value}`;
        if (seen.has(key)) continue;
        seen.add(key);
        chosen.push(choice);
        break;
      }
    }
  }
  return chosen;
}
