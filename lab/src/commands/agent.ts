/**
 * `chaos-lab agent [--prompts FILE] [--run-id ID]`: runs the prompts file through the agent against
 * the tool services behind their proxies, records the run in the lab database and logs, and prints
 * the summary. While it runs, Prometheus metrics are served at `GET /metrics` on `AGENT_METRICS_PORT`.
 *
 * Exit status: 0 when the run completed (failed prompts are results, not errors), 1 when the lab
 * itself failed, 2 for bad settings, a bad prompts file or a run id already used, 130 when
 * interrupted by Ctrl-C (SIGTERM: 0, after the unfinished prompts are recorded as interrupted).
 */
import { type Settings, createLogger, isLabError, onShutdown, settings } from '@chaos-lab/common';
import { type RunStart, type RunSummary, formatSummary, runAgent, startAgentMetricsServer } from '@chaos-lab/agent';
import type { Command } from 'commander';
import { goSignal } from './go-signal.js';

/** Exit status for a finished run. */
const EXIT_BY_STATUS: Record<RunSummary['status'], number> = { completed: 0, failed: 1, interrupted: 130 };

/** Error codes that mean the user's input is wrong (exit 2), not that the lab failed. */
const INPUT_ERRORS = new Set(['SETTINGS_INVALID', 'PROMPTS_INVALID', 'VALIDATION']);

/** The start-up line: the run, its prompts, the model and why, and the limits in force. */
function startLine(s: Settings, run: RunStart): string {
  return (
    `chaos-lab agent: run ${run.runId}, ${run.promptsTotal} prompt${run.promptsTotal === 1 ? '' : 's'} from ${run.promptsFile}\n` +
    `  model ${run.model} (${run.modelReason}); seed ${s.CHAOS_SEED}, TOOL_LIMIT ${s.TOOL_LIMIT}, PROMPT_LIMIT ${s.PROMPT_LIMIT}, FALLBACK ${s.FALLBACK}\n`
  );
}

/** Registers `chaos-lab agent`. */
export function registerAgentCommand(program: Command): void {
  program
    .command('agent')
    .description(
      'run the prompts file through the LangChain agent against the tools behind their proxies, and print a summary',
    )
    .option('--prompts <file>', 'the prompts file (default: PROMPTS_FILE)')
    .option('--run-id <id>', 'the run id (default: the start time and a random suffix)')
    .option('--wait-for-go', 'start the run only after a line "go" on standard input (used by `chaos-lab up`)')
    .action(async (opts: { prompts?: string; runId?: string; waitForGo?: boolean }) => {
      const s = settings();
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
      let metrics: Awaited<ReturnType<typeof startAgentMetricsServer>>;
      try {
        // Up first, so a scraper sees the run from its start (and a taken port stops the agent before it).
        metrics = await startAgentMetricsServer(s);
        if (metrics) logger.info({ url: metrics.url }, 'agent metrics served');
        run = runAgent(s, {
          startWhen: opts.waitForGo ? goSignal() : undefined,
          promptsFile: opts.prompts,
          runId: opts.runId,
          signal: interrupt.signal,
          logger,
          onStart: (started) => process.stdout.write(startLine(s, started)),
        });
        const summary = await run;
        process.stdout.write(formatSummary(summary));
        process.exitCode = EXIT_BY_STATUS[summary.status];
      } catch (err) {
        if (!isLabError(err)) throw err;
        // The user's to fix, or the lab's to report: one line, no stack, no usage text.
        process.stderr.write(`chaos-lab agent: ${err.message}\n`);
        process.exitCode = INPUT_ERRORS.has(err.code) ? 2 : 1;
      } finally {
        await metrics?.close();
      }
    });
}
