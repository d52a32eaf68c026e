/**
 * One agent run: every prompt of the prompts file through the agent, `AGENT_CONCURRENCY` at a time,
 * recorded in the lab database and the logs (DESIGN.md "The agent", "State", "Logs").
 *
 *   load prompts ─▶ choose model ─▶ runs + control rows (starting)
 *        ─▶ workers: for each prompt: control active ─▶ runPrompt ─▶ prompt_results row ─▶ idle
 *        ─▶ rows for prompts left unfinished ─▶ runs closed, control done ─▶ summary
 *
 * Every prompt ends with exactly one `prompt_results` row, whatever happens: on an interruption
 * (the caller's signal: SIGINT/SIGTERM) prompts in flight are cancelled and, like prompts not yet
 * started, get an `interrupted` row; the run is `interrupted`. When the lab itself fails (the database,
 * a bug, a model that failed {@link MODEL_DEAD_AFTER_PROMPTS} prompts in a row, a proxy-manager that
 * stopped beating: {@link ManagerWatch}) the run is `failed`; an abort asked through steering
 * (`steering_changes`, checked every heartbeat) interrupts it as a signal does
 * with that reason, and the prompts it never finished get `interrupted` rows too. (When the agent
 * process itself dies, the launcher writes those rows: `lab/src/launcher/run-record.ts`.)
 *
 * One live run per database ({@link liveRun}): a second agent on the same database is refused before
 * it records anything, because the proxy-manager follows one run only.
 */
import {
  type Database,
  LabError,
  type Logger,
  type Settings,
  createLogger,
  liveRun,
  liveRunMessage,
  newRunId,
  openDatabase,
  publicSettings,
  steeringState,
  writeTransaction,
} from '@chaos-lab/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { Agent as HttpAgent } from 'undici';
import { createLabAgent } from './run/lab-agent.js';
import { ControlTracker, HEARTBEAT_INTERVAL_MS } from './run/control.js';
import { ManagerWatch } from './run/manager-watch.js';
import { countPrompt, countToolAttempt } from './records/metrics.js';
import { type ModelChoice, chooseModel } from './model/choose-model.js';
import { ModelCallCounter } from './model/model-calls.js';
import { errorMessage } from './prompts/prompt-errors.js';
import { type PromptRunnerDeps, runPrompt } from './prompts/prompt-runner.js';
import { type Prompt, loadPrompts } from './prompts/prompts-file.js';
import { type PromptResultRow, RunRecords, type RunStatus, unfinishedPromptRow } from './records/records.js';
import { type RunSummary, computeSummary } from './records/summary.js';
import { announcer, runNeedsAnnouncements } from './tool-calls/fault-hook.js';
import { toolBindings } from './tool-calls/tool-bindings.js';
import { type EndpointResolver, createTools, registryEndpoints, toolCallPolicy } from './tool-calls/tools.js';
import { tracingState } from './run/tracing.js';
import { type AgentFactory, agentForRun } from './under-test/index.js';
import { loadAgentFactory } from './under-test/module-agent.js';

/**
 * Prompts in a row that must fail on the model (`error_type` model: its calls failed after the client's
 * retries) before the model counts as dead and the run stops as `failed`: one such prompt is a fault
 * to record, several in a row mean every later prompt would fail the same way.
 */
export const MODEL_DEAD_AFTER_PROMPTS = 3;

/** Options of {@link runAgent}. */
export interface RunAgentOptions {
  /** The prompts file (default `settings.PROMPTS_FILE`). */
  promptsFile?: string;
  /** The run's id (default: the start time and a random suffix, e.g. `20250101T120000Z-1a2b3c`). */
  runId?: string;
  /** Interrupts the run: unfinished prompts become `interrupted`, and the run too. */
  signal?: AbortSignal;
  /** A chat model to use instead of the one `LLM_PROVIDER` chooses (tests). */
  model?: BaseChatModel;
  /** The logger for info.log (default: one from settings). agent.log always gets its own. */
  logger?: Logger;
  /** Clock, ms since the epoch (default `Date.now`). */
  now?: () => number;
  /**
   * Where each service's proxy and the service itself are (default: the registry's ports and the
   * settings' hosts). For embedding the agent beside services on ports of their own, e.g. tests on port 0.
   */
  endpoints?: EndpointResolver;
  /**
   * Settles when the run may start: the prompts, the model and the database are made ready before it,
   * nothing is recorded until it resolves, and a rejection ends the run before it began (its error is
   * thrown). The launcher uses it to load the agent while the rest of the lab comes up.
   */
  startWhen?: Promise<void>;
  /** Called once the run is recorded, before the first prompt (the command line's start-up line). */
  onStart?: (run: RunStart) => void;
}

/** What a run is about to do, for {@link RunAgentOptions.onStart}. */
export interface RunStart {
  readonly runId: string;
  readonly promptsFile: string;
  readonly promptsTotal: number;
  /** The model's label, e.g. `offline (deterministic)`. */
  readonly model: string;
  /** Why this model, e.g. `LLM_PROVIDER=auto and GROQ_API_KEY is not set`. */
  readonly modelReason: string;
}

/**
 * Runs the prompts file through the agent and records everything.
 * @param settings validated settings (see `loadSettings`)
 * @param options see {@link RunAgentOptions}
 * @returns the run's summary (also logged to info.log). A run whose prompts failed is still
 *   `completed`: failed prompts are results. `failed` means the lab itself failed during the run.
 * @throws {LabError} before anything is recorded: `PROMPTS_INVALID` (the prompts file),
 *   `SETTINGS_INVALID` (`LLM_PROVIDER=groq` without a key, an `AGENT_MODULE` that does not load), `VALIDATION` (the run id exists
 *   already, or another run is live on the database), `DATABASE` (the database cannot be opened)
 */
export async function runAgent(settings: Settings, options: RunAgentOptions = {}): Promise<RunSummary> {
  const now = options.now ?? Date.now;
  // Handled here at once: it may reject while the model loads, before it is awaited below.
  options.startWhen?.catch(() => undefined);
  const promptsFile = options.promptsFile ?? settings.PROMPTS_FILE;
  const prompts = loadPrompts(promptsFile);
  // A module that does not load stops the run before anything is recorded, like a bad prompts file.
  const agentModule = settings.AGENT_MODULE === undefined ? undefined : await loadAgentFactory(settings.AGENT_MODULE);
  const runId = options.runId ?? newRunId(now());
  const counter = new ModelCallCounter();
  const choice: ModelChoice & { provider: string } = options.model
    ? { model: options.model, label: `custom:${options.model.getName()}`, reason: 'given by the caller', provider: 'custom' }
    : await chooseModel(settings, counter);

  const db = openDatabase(settings.LAB_DB_PATH);
  try {
    await options.startWhen;
    const records = new RunRecords(db, runId, now);
    // Checked and recorded in one write transaction, so two agents starting together cannot both pass.
    writeTransaction(db, () => {
      const other = liveRun(db, now(), settings.HEARTBEAT_STALE_MS, runId);
      if (other) throw new LabError('VALIDATION', liveRunMessage(other, settings.LAB_DB_PATH));
      if (!records.start({ seed: settings.CHAOS_SEED, settings: publicSettings(settings), promptsTotal: prompts.length, model: choice.label })) {
        throw new LabError('VALIDATION', `run id "${runId}" already exists in ${settings.LAB_DB_PATH}: choose another one`);
      }
    });
    counter.recordTo({ db, runId, provider: choice.provider, model: choice.label, now });
    return await execute({ settings, options, prompts, promptsFile, runId, choice, counter, records, db, now, agentModule });
  } finally {
    db.close();
  }
}

/** The run itself, once its rows exist. */
async function execute(run: {
  settings: Settings;
  options: RunAgentOptions;
  prompts: Prompt[];
  promptsFile: string;
  runId: string;
  choice: ModelChoice;
  counter: ModelCallCounter;
  records: RunRecords;
  db: Database;
  now: () => number;
  agentModule: AgentFactory | undefined;
}): Promise<RunSummary> {
  const { settings, prompts, runId, choice, records, now } = run;
  const startedAt = now();
  const info = (run.options.logger ?? createLogger({ file: 'info', name: 'agent', settings })).child({ run_id: runId });
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
  run.options.onStart?.({ runId, promptsFile: run.promptsFile, promptsTotal: prompts.length, model: choice.label, modelReason: choice.reason });

  // Stops the workers on an interruption or when the lab fails; aborts the prompts in flight.
  const stop = new AbortController();
  const onInterrupt = () => stop.abort(new Error('the run was interrupted'));
  if (run.options.signal?.aborted) onInterrupt();
  run.options.signal?.addEventListener('abort', onInterrupt, { once: true });
  const control = new ControlTracker(records, info);
  control.startHeartbeat();
  const dispatcher = new HttpAgent({ keepAliveTimeout: 4000 });
  const written = new Set<number>();
  let closeAgent: (() => Promise<void>) | undefined;
  let failure: unknown;
  let modelFailuresInARow = 0;
  /** A part the run depends on is dead (the model, the proxy-manager): the run stops as `failed`. */
  const failRun = (reason: string) => {
    if (failure !== undefined) return;
    failure = new LabError('INTERNAL', `${reason}: stopping the run`);
    stop.abort(failure);
  };

  const write = (row: PromptResultRow) => {
    if (records.addPromptResult(row)) {
      written.add(row.promptIndex);
      countPrompt(row);
    }
    modelFailuresInARow = row.errorType === 'model' ? modelFailuresInARow + 1 : 0;
    if (modelFailuresInARow >= MODEL_DEAD_AFTER_PROMPTS) failRun(`the model failed ${modelFailuresInARow} prompts in a row (last: ${row.error})`);
    agentLog.info(
      { prompt_index: row.promptIndex, status: row.status, attempts: row.attempts, error_type: row.errorType, duration_ms: row.finishedAt - row.startedAt },
      `prompt ${row.status}`,
    );
  };

  const managerWatch = new ManagerWatch(run.db, startedAt, settings.HEARTBEAT_STALE_MS);
  const watchTimer = setInterval(() => {
    let lost: string | undefined;
    try {
      lost = managerWatch.check(now());
    } catch (err) {
      info.warn({ err }, 'could not read the proxy-manager heartbeat');
    }
    if (lost !== undefined) failRun(lost);
    // An abort asked through the proxy-manager's /steering (the dashboard): stopped as on Ctrl-C.
    try {
      if (!stop.signal.aborted && steeringState(run.db, runId).abortRequestedAt !== undefined) {
        info.warn('abort of the run requested through steering: interrupting it');
        onInterrupt();
      }
    } catch (err) {
      info.warn({ err }, 'could not read the run\'s steering');
    }
  }, HEARTBEAT_INTERVAL_MS);
  watchTimer.unref();

  try {
    const endpoints = run.options.endpoints ?? registryEndpoints(settings);
    const tools = createTools({
      runId,
      bindings: await toolBindings(settings),
      endpoints,
      policy: toolCallPolicy(settings),
      dispatcher,
      now,
      announce: runNeedsAnnouncements(run.db, runId) ? announcer(settings.PROXY_MANAGER_URL, runId, info) : undefined,
      record: (row) => {
        records.addToolCall(row);
        countToolAttempt(row);
        agentLog.info(
          {
            prompt_index: row.promptIndex,
            prompt_attempt: row.promptAttempt,
            call_id: row.callId,
            attempt_id: row.attemptId,
            tool: row.tool,
            service: row.service,
            attempt: row.attempt,
            via: row.via,
            outcome: row.outcome,
            http_status: row.httpStatus,
            simulated: row.simulated ?? false,
            wait_ms: row.waitMs ?? 0,
            retry_after_ms: row.retryAfterMs ?? null,
            duration_ms: Math.round(row.durationMs),
            error: row.error,
          },
          'tool attempt',
        );
      },
      recordCall: (row) => records.addLogicalCall(row),
    });
    // The lab's own agent, or the one under test (AGENT_MODULE, AGENT_URL): under-test/index.ts.
    const underTest = await agentForRun({
      settings,
      runId,
      prompts,
      agentModule: run.agentModule,
      db: run.db,
      model: choice.model,
      counter: run.counter,
      tools,
      endpoints,
      log: info,
      now,
      labAgent: () => createLabAgent({ model: choice.model, tools, counter: run.counter, today: new Date(now()) }),
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
          write(await runPrompt(prompt, deps));
        } finally {
          control.promptEnded(prompt.index);
        }
      }
    };
    const workers = Array.from({ length: Math.min(settings.AGENT_CONCURRENCY, prompts.length) }, () =>
      worker().catch((err: unknown) => {
        failure ??= err;
        stop.abort(err);
      }),
    );
    await Promise.all(workers);
  } catch (err) {
    failure ??= err;
  }

  const status: RunStatus = failure !== undefined ? 'failed' : stop.signal.aborted ? 'interrupted' : 'completed';
  const runError = failure === undefined ? undefined : errorMessage(failure);
  if (failure !== undefined) info.error({ err: failure }, 'the agent run failed');
  try {
    for (const prompt of prompts) {
      if (!written.has(prompt.index)) write(unfinishedPromptRow(prompt, { status, reason: runError }, now()));
    }
  } catch (err) {
    info.error({ err }, 'could not record the unfinished prompts');
  } finally {
    run.options.signal?.removeEventListener('abort', onInterrupt);
    clearInterval(watchTimer);
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
  info.info({ summary, model_calls: run.counter.calls, model_requests: run.counter.requests, model_tokens: run.counter.tokens }, 'agent run summary');
  return summary;
}
