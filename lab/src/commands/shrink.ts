/**
 * `chaos-lab shrink RUN [--prompt ID] [--out FILE]`: the smallest set of the faults that fired in a
 * run that still makes it fail (delta debugging over replays with the run's seed and triggers,
 * `@chaos-lab/explore`), written as an experiment file for `chaos-lab run`. Exit 0 written; 1 the
 * failure did not reproduce, or happens without any fault; 2 nothing to shrink or a lab run failed.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isLabError } from '@chaos-lab/common';
import { shrinkRun } from '@chaos-lab/explore';
import { launchOnce } from '../launcher/launch-once.js';
import { resolveAutoPortOffset } from './port-offset-auto.js';

/** Registers `chaos-lab shrink`. */
export function registerShrinkCommand(program: Command): void {
  program
    .command('shrink')
    .description(
      'replay a failed run with subsets of its faults (delta debugging) and write the smallest failing set as an experiment file',
    )
    .argument('<run>', 'the run id (chaos-lab runs lists them)')
    .option(
      '--prompt <id>',
      'the failed prompt to keep failing (id or 1-based position; default: the deviated checks of an experiment variant, else the first failed prompt)',
    )
    .option('--out <file>', 'where to write the experiment (default CHARTS_DIR/shrink/<run>/minimal.yaml)')
    .action(async (run: string, opts: { prompt?: string; out?: string }) => {
      const say = (line: string) => {
        if (process.stdout.writable) process.stdout.write(`${line}\n`);
      };
      if (!(await resolveAutoPortOffset())) {
        process.exitCode = 2;
        return;
      }
      try {
        process.exitCode = await shrinkRun(
          { runId: run, prompt: opts.prompt, out: opts.out ? resolve(opts.out) : undefined },
          { say, launch: launchOnce },
        );
      } catch (err) {
        if (!isLabError(err, 'SETTINGS_INVALID') && !isLabError(err, 'DATABASE')) throw err;
        say(`chaos-lab shrink: ${err.message.split('\n').join('; ')}`);
        process.exitCode = 2;
      }
    });
}
