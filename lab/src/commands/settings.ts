/**
 * `chaos-lab settings`: prints every setting with its default and meaning (as a table, a `.env`
 * file, or Markdown), and with `--check` validates the current environment and `.env` and prints
 * the values in force.
 */
import { publicSettings, settings } from '@chaos-lab/common';
import type { Command } from 'commander';
import { formatEnvExample, formatMarkdownTable, settingDocs } from '../settings-doc.js';

/** Registers `chaos-lab settings`. */
export function registerSettingsCommand(program: Command): void {
  program
    .command('settings')
    .description('list every setting with its default and meaning, or --check the ones in force')
    .option('--format <format>', 'text, env (a .env file) or markdown', 'text')
    .option('--check', 'validate the environment and .env, then print the values in force')
    .action((opts: { format: string; check?: boolean }) => {
      if (opts.check) {
        // settings() reports bad values and exits 2, as every command does.
        for (const [k, v] of Object.entries(publicSettings(settings())))
          process.stdout.write(`${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v ?? '')}\n`);
        return;
      }
      if (opts.format === 'env') process.stdout.write(formatEnvExample());
      else if (opts.format === 'markdown') process.stdout.write(formatMarkdownTable());
      else if (opts.format === 'text') {
        for (const d of settingDocs())
          process.stdout.write(`${d.name.padEnd(22)} ${(d.defaultText || '(unset)').padEnd(26)} ${d.meaning}\n`);
      } else {
        process.stderr.write(`chaos-lab: --format ${opts.format}: must be one of text, env, markdown\n`);
        process.exitCode = 2;
      }
    });
}
