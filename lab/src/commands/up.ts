/**
 * `chaos-lab up` (what `npm start` runs): options win over the environment, which wins over `.env`.
 * Options are applied as their environment variables before settings are read, so the children see
 * them too and a bad value is reported like any bad setting (`TOXIC_PROB=1.5: must be …`).
 */
import { resolve } from 'node:path';
import { createLogger, PORT_BLOCK_SIZE, settings } from '@chaos-lab/common';
import type { Command } from 'commander';
import { runLab } from '../launcher/up.js';
import { resolveAutoPortOffset } from './port-offset-auto.js';

/** Options of `up` and the variable each one sets. */
const OPTION_VARIABLES = [
  ['--prompts <file>', 'PROMPTS_FILE', 'prompts file'],
  ['--seed <n>', 'CHAOS_SEED', 'seed of every random choice'],
  ['--toxic-prob <p>', 'TOXIC_PROB', 'probability of a toxic per proxy per chaos tick'],
  ['--error-prob <p>', 'ERROR_PROB', 'probability of a simulated 503 per tool request'],
  ['--toxics <list>', 'TOXICS', 'toxic types to inject, comma-separated'],
  ['--tool-limit <n>', 'TOOL_LIMIT', 'attempts of one tool call through its proxy'],
  ['--prompt-limit <n>', 'PROMPT_LIMIT', 'attempts of one prompt'],
  ['--concurrency <n>', 'AGENT_CONCURRENCY', 'prompts in flight at once'],
  [
    '--port-offset <n>',
    'PORT_OFFSET',
    `shift every port by n (labs on one machine need offsets ${PORT_BLOCK_SIZE} apart), or auto: a free block`,
  ],
] as const;

/** Registers `chaos-lab up`. */
export function registerUpCommand(program: Command): void {
  const up = program
    .command('up')
    .description(
      'run the whole lab without Docker: Toxiproxy, the seven tools, the proxy-manager and the agent; then charts and report',
    )
    .option('--keep', 'leave the services up after the run, until Ctrl-C', false);
  for (const [flags, variable, what] of OPTION_VARIABLES) up.option(flags, `${what} (sets ${variable})`);
  up.action(async (opts: Record<string, string | boolean | undefined>) => {
    for (const [flags, variable] of OPTION_VARIABLES) {
      const key = flags.slice(2, flags.indexOf(' ')).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
      const value = opts[key];
      if (typeof value === 'string') process.env[variable] = variable === 'PROMPTS_FILE' ? resolve(value) : value;
    }
    if (!(await resolveAutoPortOffset())) {
      process.exitCode = 1;
      return;
    }
    const s = settings();
    const logger = createLogger({ name: 'lab', settings: { ...s, LOG_CONSOLE: 'off' } });
    process.exitCode = await runLab(s, logger, { keep: Boolean(opts.keep) });
  });
}
