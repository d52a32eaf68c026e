/**
 * The report's knowledge section: per settings profile (the settings the runs were made with, never
 * blended), each target's risk profile and the evidence per band, learnt from every finished run in the
 * database (not only the run the report is about), computed in memory from the record (knowledge/:
 * readEvidence → aggregate → riskProfiles) so the report never writes.
 */
import type { Database } from '@chaos-lab/common';
import {
  aggregate,
  DEFAULT_MIN_CHECKED,
  profilesOf,
  readEvidence,
  riskProfiles,
  type ProfileSummary,
  type RiskProfile,
} from '@chaos-lab/knowledge';
import { escapeHtml } from './html.js';

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);

function cells(values: readonly (string | number)[], numeric: ReadonlySet<number> = new Set()): string {
  return values.map((v, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${escapeHtml(String(v))}</td>`).join('');
}

function profileRows(profiles: readonly RiskProfile[]): string {
  return profiles
    .map((p) => {
      const safe = Object.entries(p.safeRange).map(([kind, bands]) => `${kind} ${bands.join(', ')}`);
      return `<tr>${cells([p.target, p.level, p.observations, p.promptsChecked, pct(p.provenFailureRate), safe.length === 0 ? 'unknown' : safe.join('; ')], new Set([2, 3, 4]))}</tr>`;
    })
    .join('\n');
}

function bandRows(profiles: readonly RiskProfile[]): string {
  return profiles
    .flatMap((p) =>
      p.bands.map(({ row: r, verdict, reason }) => {
        const success =
          r.successRate === null ? '—' : `${pct(r.successRate)} [${pct(r.successLow)}–${pct(r.successHigh)}]`;
        const recovered = r.failedCalls === 0 ? '—' : `${r.recoveredCalls}/${r.failedCalls}`;
        const duplicates = r.duplicateSideEffects === null ? 'not measured' : r.duplicateSideEffects;
        const events = r.replayEvents === 0 ? r.faultEvents : `${r.faultEvents} (+${r.replayEvents} replays)`;
        return `<tr>${cells([r.target, r.faultKind, r.band, events, r.promptsChecked, success, recovered, r.attemptP95Ms ?? '—', r.promptP95Ms ?? '—', duplicates, `${r.bystanderFailures}/${r.bystanderPrompts}`, `${verdict}: ${reason}`], new Set([3, 4, 7, 8]))}</tr>`;
      }),
    )
    .join('\n');
}

/**
 * The section's HTML.
 * @param db the lab database (read only)
 * @returns an `<h2>` section; with no fault event in a finished run, one line saying nothing is known
 */
export function knowledgeSectionHtml(db: Database): string {
  const evidence = readEvidence(db);
  const rows = aggregate(evidence);
  const head = '<h2>What the lab knows (every finished run)</h2>';
  if (rows.length === 0) return `${head}\n<p class="muted">No fault event in a finished run yet: nothing is known.</p>`;
  const profiles = riskProfiles(rows);
  return `${head}
<p class="muted">Learnt from every finished run in the database, not only this one (<code>chaos-lab knowledge</code> prints the same), per settings profile: runs made with different limits, timeouts, fallback, agent or model are never blended. Success is correct ÷ checked prompts (unchecked prompts are not counted) with its 95% Wilson interval; a band held when the interval's low end reaches the tolerance (the experiments' own prompt_success_rate bound, a relative one resolved against its baseline, else 80%), and is unknown below ${DEFAULT_MIN_CHECKED} checked prompts. A replay of an observation another run made (same settings, seed, prompts and fault on the same prompts) is counted apart. Proven failure: the failure rate the evidence proves (1 − the highest interval end).</p>
${profilesOf(evidence, rows)
  .map((sp) => settingsProfileHtml(sp, profiles))
  .join('\n')}`;
}

/** One settings profile's tables. */
function settingsProfileHtml(sp: ProfileSummary, all: readonly RiskProfile[]): string {
  const profiles = all.filter((p) => p.settingsProfile === sp.id);
  return `<h3>Settings profile ${escapeHtml(sp.id)}: ${escapeHtml(sp.label)} (${sp.runs} run${sp.runs === 1 ? '' : 's'})</h3>
<table>
<tr><th>target</th><th>risk</th><th>fault events</th><th>checked prompts</th><th>proven failure</th><th>safe range</th></tr>
${profileRows(profiles)}
</table>
<table>
<tr><th>target</th><th>fault kind</th><th>band</th><th>events (+replays)</th><th>checked</th><th>success [95% Wilson]</th><th>recovered calls</th><th>attempt p95 ms</th><th>prompt p95 ms</th><th>duplicates</th><th>bystanders failed</th><th>verdict</th></tr>
${bandRows(profiles)}
</table>`;
}
