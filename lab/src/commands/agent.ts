/**
 * `chaos-lab agent [--prompts FILE] [--run-id ID]`: runs the prompts file through the agent against
 * the tool services behind their proxies, records the run in the lab database and logs, and prints
 * the summary.
 *
 * Exit status: 0 when the run completed (failed prompts are results, not errors), 1 when the lab
 * itself failed, 2 for bad settings, a bad prompts file or a run id already used, 130 when
 * interrupted by Ctrl-C (SIGTERM: 0, after the unfinished prompts are recorded as interrupted).
 */
import { type Settings, createLogger, isLabError, onShutdown, settings } from '@chaos-lab/common';
import { type RunSummary, formatSummary, resolveProvider, runAgent } from '@chaos-lab/agent';
import type { Command } from 'commander';

/** Exit status for a finished run. */
const EXIT_BY_STATUS: Record<RunSummary['status'], number> = { completed: 0, failed: 1, interrupted: 130 };

/** Error codes that mean the user's input is wrong (exit 2), not that the lab failed. */
const INPUT_ERRORS = new Set(['SETTINGS_INVALID', 'PROMPTS_INVALID', 'VALIDATION']);

/** The start-up line: what runs, with which model and why. */
function startLine(s: Settings, promptsFile: string): string {
  const { label, reason } = resolveProvider(s);
  return `chaos-lab agent: ${promptsFile}, model ${label} (${reason}), seed ${s.CHAOS_SEED}, TOOL_LIMIT ${s.TOOL_LIMIT}, PROMPT_LIMIT ${s.PROMPT_LIMIT}, FALLBACK ${s.FALLBACK}\n`;
}

/** Registers `chaos-lab agent`. */
export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description('run the prompts file through the LangChain agent against the tools behind their proxies, and print a summary')
    .option('--prompts <file>', 'the prompts file (default: PROMPTS_FILE)')
    .option('--run-id <id>', 'the run id (default: the start time and a random suffix)')
    .action(async (opts: { prompts?: string; runId?: string }) => {
      const s = settings();
      const promptsFile = opts.prompts ?? s.PROMPTS_FILE;
      const logger = createLogger({ name: 'agent', settings: s });
      const interrupt = new AbortController();
      let run: Promise<RunSummary> | undefined;
      onShutdown(
        async () => {
          interrupt.abort(new Error('interrupted by a signal'));
          await run?.catch(() => undefined);
        },
        { logger, exitCodeOnSigint: EXIT_BY_STATUS.interrupted },
      );
      try {
        process.stdout.write(startLine(s, promptsFile));
        run = runAgent(s, { promptsFile, runId: opts.runId, signal: interrupt.signal, logger });
        const summary = await run;
        process.stdout.write(formatSummary(summary));
        process.exitCode = EXIT_BY_STATUS[summary.status];
      } catch (err) {
        if (isLabError(err)) {
          // The user's to fix, or the lab's to report: one line, no stack.
          program.error(`chaos-lab agent: ${err.message}`, { exitCode: INPUT_ERRORS.has(err.code) ? 2 : 1, code: err.code });
        }
        throw err;
      }
    });
}
