/**
 * The `chaos-lab` command line (commander). Each subcommand lives in its own file under `commands/`
 * and registers itself on the program; this file only assembles them.
 */
import { Command } from 'commander';
import { registerAgentCommand } from './commands/agent.js';
import { registerChartsCommand } from './commands/charts.js';
import { registerProxyManagerCommand } from './commands/proxy-manager.js';
import { registerToolCommands } from './commands/tools.js';
import { registerToxiproxyCommand } from './commands/toxiproxy.js';
import { registerSettingsCommand } from './commands/settings.js';
import { registerUpCommand } from './commands/up.js';

/** Builds the program with every subcommand. */
export function buildProgram(): Command {
  const program = new Command('chaos-lab')
    .description('Agent Chaos Lab: how an LLM agent behaves when the network between it and its tools fails')
    .showHelpAfterError();
  registerUpCommand(program);
  registerToolCommands(program);
  registerToxiproxyCommand(program);
  registerProxyManagerCommand(program);
  registerAgentCommand(program);
  registerChartsCommand(program);
  registerSettingsCommand(program);
  return program;
}

/** Runs the command line. `argv` as in `process.argv`. */
export async function main(argv: string[]): Promise<void> {
  await buildProgram().parseAsync(argv);
}
