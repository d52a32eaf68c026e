/**
 * `chaos-lab knowledge [--db PATH] [--json] [--tolerance T] [--min-checked N]`: rebuilds what the lab
 * learnt from every finished run and experiment (knowledge/, see docs/learning.md) and prints it per
 * settings profile (the settings the runs were made with; two profiles are never blended): each
 * target's risk profile, then every band's evidence: fault events (and replays, counted apart), checked
 * prompts, success rate with its 95% Wilson interval, recovery, p95 durations, duplicate side effects,
 * bystanders, verdict. `--json` prints {build, settingsProfiles, profiles, knowledge} instead.
 */
import type { Command } from 'commander';
import { openDatabase, settings } from '@chaos-lab/common';
import {
  DEFAULT_MIN_CHECKED,
  rebuildKnowledge,
  riskProfiles,
  type KnowledgeRow,
  type ProfileSummary,
  type RiskProfile,
} from '@chaos-lab/knowledge';
import { checkJudgement, type CommandIo, type JudgementFlags } from './knowledge-options.js';
import { columns } from './runs.js';

const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 100)}%`);
const ms = (x: number | null) => (x === null ? '—' : String(Math.round(x)));
const day = (t: number) => new Date(t).toISOString().replace('T', ' ').slice(0, 16);

/** The profiles table: one line per target, riskiest first. */
export function profilesTable(profiles: readonly RiskProfile[]): string {
  const header = [
    'target',
    'risk',
    'fault events',
    'checked prompts',
    'proven failure',
    'safe range',
    'last seen (UTC)',
  ];
  const rows = profiles.map((p) => {
    const safe = Object.entries(p.safeRange).map(([kind, bands]) => `${kind} ${bands.join(', ')}`);
    return [
      p.target,
      p.level,
      String(p.observations),
      String(p.promptsChecked),
      pct(p.provenFailureRate),
      safe.length === 0 ? 'unknown' : safe.join('; '),
      day(p.lastSeen),
    ];
  });
  return columns([header, ...rows]);
}

/** The evidence table: one line per target × fault kind × band, with its verdict. */
export function bandsTable(profiles: readonly RiskProfile[]): string {
  const header = [
    'target',
    'fault kind',
    'band',
    'events (+replays)',
    'checked',
    'success [95% Wilson]',
    'recovered',
    'attempt p95 ms',
    'prompt p95 ms',
    'duplicates',
    'bystanders failed',
    'verdict',
  ];
  const rows = profiles.flatMap((p) =>
    p.bands.map(({ row: r, verdict, reason }) => [
      r.target,
      r.faultKind,
      r.band,
      r.replayEvents === 0 ? String(r.faultEvents) : `${r.faultEvents} (+${r.replayEvents})`,
      String(r.promptsChecked),
      r.successRate === null ? '—' : `${pct(r.successRate)} [${pct(r.successLow)}–${pct(r.successHigh)}]`,
      r.failedCalls === 0 ? '—' : `${r.recoveredCalls}/${r.failedCalls}`,
      ms(r.attemptP95Ms),
      ms(r.promptP95Ms),
      r.duplicateSideEffects === null ? 'not measured' : String(r.duplicateSideEffects),
      `${r.bystanderFailures}/${r.bystanderPrompts}`,
      `${verdict}: ${reason}`,
    ]),
  );
  return columns([header, ...rows]);
}

/**
 * Runs the command.
 * @param flags as typed; `json` prints JSON
 * @param defaultDb `LAB_DB_PATH`
 * @returns the exit status: 0 printed (also with no fault event yet), 1 a bad flag or no database
 */
export function runKnowledgeCommand(
  flags: JudgementFlags & { json?: boolean },
  defaultDb: string,
  io: CommandIo = { out: process.stdout, err: process.stderr },
): number {
  const judgement = checkJudgement('knowledge', flags, defaultDb);
  if (typeof judgement === 'string') {
    io.err.write(`${judgement}\n`);
    return 1;
  }
  const db = openDatabase(judgement.dbPath);
  try {
    const { rows, profiles: settingsProfiles, build } = rebuildKnowledge(db);
    const profiles = riskProfiles(rows, judgement);
    if (flags.json) {
      io.out.write(
        `${JSON.stringify({ build, settingsProfiles, profiles: profiles.map(({ bands, ...p }) => ({ ...p, bands: bands.map(({ row, ...j }) => ({ ...j, ...keyOf(row) })) })), knowledge: rows }, null, 2)}\n`,
      );
      return 0;
    }
    io.out.write(
      `knowledge rebuilt from ${build.runs} finished run${build.runs === 1 ? '' : 's'} (${build.experiments} experiment${build.experiments === 1 ? '' : 's'}), ${build.faultEvents} fault events, ${build.keys} bands, in ${build.buildMs} ms\n`,
    );
    if (rows.length === 0) {
      io.out.write(
        'no fault event in a finished run yet: nothing is known (run an experiment, or the lab with TOXIC_PROB > 0)\n',
      );
      return 0;
    }
    io.out.write(
      `a band held when its Wilson low end ≥ the tolerance; unknown below ${judgement.minChecked} checked prompts; runs made with different settings are never blended, replays of an observation are counted apart\n`,
    );
    for (const sp of settingsProfiles) writeSettingsProfile(io, sp, settingsProfiles.length, profiles);
    return 0;
  } finally {
    db.close();
  }
}

/** The key of a row, to name a band in the JSON profiles. */
function keyOf(row: KnowledgeRow): Pick<KnowledgeRow, 'faultKind' | 'band'> {
  return { faultKind: row.faultKind, band: row.band };
}

/** One settings profile's part of the output: its settings, its risk profiles, its bands. */
function writeSettingsProfile(
  io: CommandIo,
  sp: ProfileSummary,
  count: number,
  profiles: readonly RiskProfile[],
): void {
  const own = profiles.filter((p) => p.settingsProfile === sp.id);
  io.out.write(
    `\n== settings profile ${sp.id} (${sp.runs} run${sp.runs === 1 ? '' : 's'}${count > 1 ? `; one of ${count}, never blended` : ''}): ${sp.label}\n`,
  );
  io.out.write(`\nRisk profiles\n${profilesTable(own)}\n`);
  io.out.write(`\nEvidence per band\n${bandsTable(own)}\n`);
}

/** Registers `knowledge` on the program. */
export function registerKnowledgeCommand(program: Command): void {
  program
    .command('knowledge')
    .description(
      "rebuild what the lab learnt from its finished runs and print each target's risk profile with the evidence per band",
    )
    .option('--db <path>', 'the lab database (default LAB_DB_PATH)')
    .option('--json', 'print {build, profiles, knowledge} as JSON')
    .option(
      '--tolerance <t>',
      "share of checked prompts that must be correct, 0–1 (default: the experiments' own prompt_success_rate bound, else 0.8)",
    )
    .option('--min-checked <n>', 'checked prompts below which a band is unknown', String(DEFAULT_MIN_CHECKED))
    .action((opts: JudgementFlags & { json?: boolean }) => {
      process.exitCode = runKnowledgeCommand(opts, settings().LAB_DB_PATH);
    });
}
