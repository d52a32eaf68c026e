/**
 * The `chaos-lab` command line (commander). Each subcommand lives in its own file under `commands/`
 * and registers itself on the program; this file only assembles them.
 *
 * Only the module of the subcommand being run is imported: the lab starts nine `chaos-lab` child
 * processes at once, and a tool service should not pay for loading LangChain, vega and resvg (over a
 * second each on a 2-core machine). `--help` and unknown commands load them all.
 */
import { Command } from 'commander';

type Register = (program: Command) => void;

/** Subcommand name → how to load its registration. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  up: async () => (await import('./commands/up.js')).registerUpCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  tool: async () => (await import('./commands/tools.js')).registerToolCommands,
  tools: async () => (await import('./commands/tools.js')).registerToolCommands,
  toxiproxy: async () => (await import('./commands/toxiproxy.js')).registerToxiproxyCommand,
  model: async () => (await import('./commands/model.js')).registerModelCommand,
  'proxy-manager': async () => (await import('./commands/proxy-manager.js')).registerProxyManagerCommand,
  agent: async () => (await import('./commands/agent.js')).registerAgentCommand,
  charts: async () => (await import('./commands/charts.js')).registerChartsCommand,
  runs: async () => (await import('./commands/runs.js')).registerRunsCommand,
  knowledge: async () => (await import('./commands/knowledge.js')).registerKnowledgeCommand,
  plan: async () => (await import('./commands/plan.js')).registerPlanCommand,
  settings: async () => (await import('./commands/settings.js')).registerSettingsCommand,
  'breaking-point': async () => (await import('./commands/breaking-point.js')).registerBreakingPointCommand,
  shrink: async () => (await import('./commands/shrink.js')).registerShrinkCommand,
  dashboard: async () => (await import('./commands/dashboard.js')).registerDashboardCommand,
};

/**
 * Builds the program.
 * @param only the subcommand about to run: only its module is loaded; undefined loads every one
 */
export async function buildProgram(only?: string): Promise<Command> {
  const program = new Command('chaos-lab')
    .description('Agent Chaos Lab: how an LLM agent behaves when the network between it and its tools fails')
    .showHelpAfterError();
  const loaders = only !== undefined && only in COMMANDS ? [COMMANDS[only]!] : Object.values(COMMANDS);
  const registered = new Set<Register>();
  for (const load of loaders) {
    const register = await load();
    if (registered.has(register)) continue; // `tool` and `tools` share one module
    registered.add(register);
    register(program);
  }
  return program;
}

/**
 * Runs the command line. `argv` as in `process.argv`. A closed console (`chaos-lab … | head`) is not
 * an error: output stops, the command carries on (the launcher must still stop its children).
 */
export async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
  await (await buildProgram(argv[2])).parseAsync(argv);
}
