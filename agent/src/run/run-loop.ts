/**
 * The run once its rows exist: every prompt through the agent, `AGENT_CONCURRENCY` at a time, then the
 * run closed and summed up.
 *
 *   workers: for each prompt: control active ─▶ runPrompt ─▶ prompt_results row ─▶ idle
 *        ─▶ rows for prompts left unfinished ─▶ runs closed, control done ─▶ summary
 *
 * Every prompt ends with exactly one `prompt_results` row, whatever happens: on an interruption
 * (the caller's signal: SIGINT/SIGTERM; an abort asked through steering) prompts in flight are
 * cancelled and, like prompts not yet started, get an `interrupted` row; the run is `interrupted`.
 * When the lab itself fails (the database, a bug, a model that failed `MODEL_DEAD_AFTER_PROMPTS`
 * prompts in a row: recorders.ts; a proxy-manager that stopped beating: run-watch.ts; an agent under
 * test over HTTP that died or stopped answering: under-test/agent-liveness.ts) the run is `failed`, and
 * the prompts it never finished get `interrupted` rows too.
 * (When the agent process itself dies, the launcher writes those rows: lab/src/launcher/run-record.ts.)
 */
import { type Database, type Logger, type Settings, createLogger, publicSettings } from '@chaos-lab/common';
import { Agent as HttpAgent } from 'undici';
import type { ModelChoice } from '../model/choose-model.js';
import type { ModelCallCounter } from '../model/model-calls.js';
import { errorMessage } from '../prompts/prompt-errors.js';
import { type PromptRunnerDeps, runPrompt } from '../prompts/prompt-runner.js';
import type { Prompt } from '../prompts/prompts-file.js';
import type { RunRecords } from '../records/records.js';
import { type RunSummary, computeSummary } from '../records/summary.js';
import type { EndpointResolver } from '../tool-calls/tools.js';
import type { AgentFactory } from '../under-test/index.js';
import { ControlTracker } from './control.js';
import { PromptResultRecorder } from './recorders.js';
import { agentOfRun } from './run-agent.js';
import { RunStop } from './run-stop.js';
import { watchRun } from './run-watch.js';
import { tracingState } from './tracing.js';

/** What a run is about to do, told once it is recorded, before the first prompt. */
export interface RunStart {
  readonly runId: string;
  readonly promptsFile: string;
  readonly promptsTotal: number;
  /** The model's label, e.g. `offline (deterministic)`. */
  readonly model: string;
  /** Why this model, e.g. `LLM_PROVIDER=auto and GROQ_API_KEY is not set`. */
  readonly modelReason: string;
}

/** A run whose `runs` and `control` rows exist, and what the caller asked of it. */
export interface RecordedRun {
  readonly settings: Settings;
  readonly prompts: readonly Prompt[];
  readonly promptsFile: string;
  readonly runId: string;
  readonly choice: ModelChoice;
  readonly counter: ModelCallCounter;
  readonly records: RunRecords;
  readonly db: Database;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** `AGENT_MODULE`'s factory, loaded before the run; undefined without one. */
  readonly agentModule: AgentFactory | undefined;
  /** The logger for info.log (default: one from settings). agent.log always gets its own. */
  readonly logger?: Logger;
  /** Interrupts the run. */
  readonly signal?: AbortSignal;
  /** Where the proxies and services are (default: the registry's). */
  readonly endpoints?: EndpointResolver;
  /** Told once, before the first prompt. */
  readonly onStart?: (run: RunStart) => void;
}

/**
 * Runs the prompts and closes the run.
 * @returns the run's summary (also logged to info.log); never throws for a failure of the run
 *   itself, which ends it as `failed`
 */
export async function executeRun(run: RecordedRun): Promise<RunSummary> {
  const { settings, prompts, runId, choice, records, now } = run;
  const startedAt = now();
  const info = (run.logger ?? createLogger({ file: 'info', name: 'agent', settings })).child({ run_id: runId });
  const agentLog = createLogger({ file: 'agent', name: 'agent', settings, bindings: { run_id: runId } });
  info.info(
    {
      settings: publicSettings(settings),
      prompts_file: run.promptsFile,
      prompts_total: prompts.length,
      model: choice.label,
      model_reason: choice.reason,
      langsmith_tracing: tracingState(process.env),
      seed: settings.CHAOS_SEED,
    },
    `agent run starting: ${prompts.length} prompts, model ${choice.label} (${choice.reason})`,
  );
  run.onStart?.({
    runId,
    promptsFile: run.promptsFile,
    promptsTotal: prompts.length,
    model: choice.label,
    modelReason: choice.reason,
  });

  const stop = new RunStop(run.signal);
  const control = new ControlTracker(records, info);
  control.startHeartbeat();
  const dispatcher = new HttpAgent({ keepAliveTimeout: 4000 });
  const results = new PromptResultRecorder(records, agentLog, (reason) => stop.partLost(reason));
  const stopWatching = watchRun({
    db: run.db,
    runId,
    startedAt,
    staleMs: settings.HEARTBEAT_STALE_MS,
    stop,
    log: info,
    now,
  });
  let closeAgent: (() => Promise<void>) | undefined;
  try {
    const underTest = await agentOfRun({
      ...run,
      dispatcher,
      info,
      agentLog,
      onAgentGone: (reason) => stop.partLost(reason),
    });
    closeAgent = underTest.close;
    const deps: PromptRunnerDeps = {
      agent: underTest.agent,
      promptLimit: settings.PROMPT_LIMIT,
      promptTimeoutMs: settings.PROMPT_TIMEOUT_MS,
      runSignal: stop.signal,
      now,
      log: agentLog,
    };
    let next = 0;
    const worker = async () => {
      while (!stop.signal.aborted && next < prompts.length) {
        const prompt = prompts[next++]!;
        control.promptStarted(prompt.index);
        try {
          results.write(await runPrompt(prompt, deps));
        } finally {
          control.promptEnded(prompt.index);
        }
      }
    };
    const workers = Array.from({ length: Math.min(settings.AGENT_CONCURRENCY, prompts.length) }, () =>
      worker().catch((err: unknown) => stop.fail(err)),
    );
    await Promise.all(workers);
  } catch (err) {
    stop.fail(err);
  }

  const status = stop.status;
  const runError = stop.failure === undefined ? undefined : errorMessage(stop.failure);
  if (stop.failure !== undefined) info.error({ err: stop.failure }, 'the agent run failed');
  try {
    results.writeUnfinished(prompts, { status, reason: runError }, now);
  } catch (err) {
    info.error({ err }, 'could not record the unfinished prompts');
  } finally {
    stop.dispose();
    stopWatching();
    control.stop();
    await closeAgent?.();
    await dispatcher.close();
  }
  records.finish(status, runError ?? null);
  const summary = computeSummary(run.db, {
    runId,
    status,
    promptsTotal: prompts.length,
    model: choice.label,
    seed: settings.CHAOS_SEED,
    durationMs: now() - startedAt,
    modelRetries: run.counter.retries,
    ...(runError === undefined ? {} : { error: runError }),
  });
  info.info(
    { summary, model_calls: run.counter.calls, model_requests: run.counter.requests, model_tokens: run.counter.tokens },
    'agent run summary',
  );
  return summary;
}
