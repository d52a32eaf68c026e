/**
 * The `chaos-lab` command line (commander). Each subcommand lives in its own file under `commands/`
 * and registers itself on the program; this file only assembles them.
 */
import { Command } from 'commander';
import { registerToolCommands } from './commands/tools.js';

/** Builds the program with every subcommand. */
export function buildProgram(): Command {
  const program = new Command('chaos-lab')
    .description('Agent Chaos Lab: how an LLM agent behaves when the network between it and its tools fails')
    .showHelpAfterError()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerToolCommands(program);
  return program;
}

/** Runs the command line. `argv` as in `process.argv`. */
export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
