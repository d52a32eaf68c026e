/**
 * `chaos-lab plan [--db PATH] [--out FILE] [--max-variants N] [--seed N] [--tolerance T] [--profile ID]`:
 * rebuilds the knowledge (knowledge/) and writes the next experiment worth running, as a file
 * `chaos-lab run` accepts: bands near a transition, the riskiest targets, faults never tried, each
 * variant with its reason. It reads one settings profile's knowledge (`--profile`, default the one with
 * the most runs) and writes that profile's settings into the file. `--out -` prints the file instead.
 */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { openDatabase, settings } from '@chaos-lab/common';
import {
  chooseFaults,
  DEFAULT_MIN_CHECKED,
  DEFAULT_TOLERANCE,
  planFileText,
  rebuildKnowledge,
} from '@chaos-lab/knowledge';
import { checkJudgement, type CommandIo, type JudgementFlags } from './knowledge-options.js';

/** The flags of `plan`, as typed. */
export interface PlanFlags extends JudgementFlags {
  readonly out: string;
  readonly maxVariants: string;
  readonly seed: string;
  readonly profile?: string;
}

/**
 * Runs the command.
 * @param defaultDb `LAB_DB_PATH`
 * @returns the exit status: 0 written, 1 a bad flag, no database, or nothing left to plan
 */
export function runPlanCommand(
  flags: PlanFlags,
  defaultDb: string,
  io: CommandIo = { out: process.stdout, err: process.stderr },
): number {
  const fail = (line: string) => {
    io.err.write(`${line}\n`);
    return 1;
  };
  const judgement = checkJudgement('plan', flags, defaultDb);
  if (typeof judgement === 'string') return fail(judgement);
  const maxVariants = Number(flags.maxVariants);
  if (!Number.isInteger(maxVariants) || maxVariants < 1)
    return fail(`chaos-lab plan: --max-variants must be a whole number ≥ 1, got ${flags.maxVariants}`);
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0)
    return fail(`chaos-lab plan: --seed must be a whole number ≥ 0, got ${flags.seed}`);
  const db = openDatabase(judgement.dbPath);
  try {
    const { rows, profiles, build } = rebuildKnowledge(db);
    const profile = flags.profile === undefined ? profiles[0] : profiles.find((p) => p.id === flags.profile);
    if (profile === undefined && flags.profile !== undefined)
      return fail(
        `chaos-lab plan: --profile ${flags.profile}: no such settings profile in the knowledge (${profiles.map((p) => p.id).join(', ') || 'none'}; chaos-lab knowledge lists them)`,
      );
    const tolerance = judgement.tolerance ?? DEFAULT_TOLERANCE;
    const choices = chooseFaults(rows, {
      tolerance,
      minChecked: judgement.minChecked,
      maxVariants,
      settingsProfile: profile?.id,
    });
    if (choices.length === 0)
      return fail(
        `chaos-lab plan: nothing left to plan${profile ? ` under settings profile ${profile.id}` : ''}: every plannable fault kind was tried on every service, and no band is near a transition or broken`,
      );
    const text = planFileText(choices, { seed, tolerance, builtAt: build.builtAt, profile });
    io.err.write(
      profile === undefined
        ? 'nothing is known yet: the plan tries faults never tried, with the settings in force when it runs\n'
        : `settings profile ${profile.id} (${profile.runs} run${profile.runs === 1 ? '' : 's'}): ${profile.label}${profiles.length > 1 ? `; ${profiles.length - 1} other profile(s): --profile ID` : ''}\n`,
    );
    if (flags.out === '-') {
      io.out.write(text);
      return 0;
    }
    writeFileSync(flags.out, text);
    io.out.write(
      `wrote ${flags.out}: ${choices.length} variant${choices.length === 1 ? '' : 's'} from ${build.runs} finished runs and ${build.faultEvents} fault events\n`,
    );
    for (const c of choices) io.out.write(`  ${c.kind.padEnd(11)} ${c.target} ${c.faultKind} ${c.band}: ${c.reason}\n`);
    io.out.write(`run it with: chaos-lab run ${flags.out}\n`);
    return 0;
  } finally {
    db.close();
  }
}

/** Registers `plan` on the program. */
export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description(
      'write the next experiment worth running, chosen from the knowledge: transitions, the riskiest targets, faults never tried',
    )
    .option('--db <path>', 'the lab database (default LAB_DB_PATH)')
    .option('--out <file>', 'the experiment file to write (- prints it)', 'experiments/next.yaml')
    .option('--max-variants <n>', 'variants (faults) at most', '4')
    .option('--seed <n>', "the experiment's seed", '1')
    .option('--tolerance <t>', `share of checked prompts that must be correct, 0–1 (default ${DEFAULT_TOLERANCE})`)
    .option('--min-checked <n>', 'checked prompts below which a band is unknown', String(DEFAULT_MIN_CHECKED))
    .option(
      '--profile <id>',
      'the settings profile whose knowledge is read and whose settings the file keeps (chaos-lab knowledge lists them; default: the one with the most runs)',
    )
    .action((opts: PlanFlags) => {
      process.exitCode = runPlanCommand(opts, settings().LAB_DB_PATH);
    });
}
