/**
 * `chaos-lab run experiments/NAME.yaml [--dry-run] [--variant NAME] [--fail-fast] [--seed N]
 * [--junit FILE]`: runs an experiment (`@chaos-lab/experiment`): a baseline and each variant as one
 * run of the launcher behind `npm start`, the checks, the verdict and its exit code (0 held, 1
 * deviated, 2 could not run, 128 + n on a signal). `chaos-lab run --schema` prints the experiment
 * file's JSON Schema (`experiments/experiment.schema.json` is its output).
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { experimentJsonSchema, runExperiment } from '@chaos-lab/experiment';
import { launchOnce } from '../launcher/launch-once.js';
import { resolveAutoPortOffset } from './port-offset-auto.js';

/** Registers `chaos-lab run`. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description(
      'run an experiment: a baseline and variants with planned faults, checked against its hypothesis; exit 0 held, 1 deviated, 2 could not run',
    )
    .argument('[file]', 'the experiment file, e.g. experiments/lost-write-response.yaml')
    .option('--dry-run', 'validate the file and print the plan; start nothing', false)
    .option('--variant <name>', 'run only this variant (and the baseline)')
    .option('--fail-fast', 'stop at the first variant that deviates', false)
    .option('--seed <n>', "replay with this seed (overrides the file's)")
    .option('--junit <file>', 'write the checks as JUnit XML')
    .option('--schema', "print the experiment file's JSON Schema and exit", false)
    .action(
      async (
        file: string | undefined,
        opts: { dryRun: boolean; variant?: string; failFast: boolean; seed?: string; junit?: string; schema: boolean },
      ) => {
        if (opts.schema) {
          process.stdout.write(experimentJsonSchema());
          return;
        }
        const say = (line: string) => {
          if (process.stdout.writable) process.stdout.write(`${line}\n`);
        };
        if (file === undefined) {
          say('chaos-lab run: name an experiment file, e.g. chaos-lab run experiments/original-lab.yaml');
          process.exitCode = 2;
          return;
        }
        if (!opts.dryRun && !(await resolveAutoPortOffset())) {
          process.exitCode = 2;
          return;
        }
        const seed = opts.seed === undefined ? undefined : Number(opts.seed);
        if (seed !== undefined && (!Number.isInteger(seed) || seed < 0)) {
          say(`chaos-lab run: --seed ${opts.seed}: must be an integer ≥ 0`);
          process.exitCode = 2;
          return;
        }
        process.exitCode = await runExperiment(
          {
            file: resolve(file),
            dryRun: opts.dryRun,
            variant: opts.variant,
            failFast: opts.failFast,
            seed,
            junit: opts.junit ? resolve(opts.junit) : undefined,
          },
          {
            say,
            launch: launchOnce,
          },
        );
      },
    );
}
