/**
 * The agent's process entry (`chaos-lab agent`, and the launcher through it): one agent run, every
 * prompt of the prompts file through the agent, recorded in the lab database and the logs.
 *
 *   load prompts ─▶ load AGENT_MODULE ─▶ choose model ─▶ open the database ─▶ [startWhen]
 *        ─▶ runs + control rows (starting) ─▶ the run loop (run/run-loop.ts) ─▶ summary
 *
 * Everything that can be wrong with the user's input (the prompts file, the model settings, the agent
 * module, the run id) stops the run here, before anything is recorded. One live run per database
 * ({@link liveRun}): a second agent on the same database is refused before it records anything,
 * because the proxy-manager follows one run only.
 */
import {
  LabError,
  type Logger,
  type Settings,
  liveRun,
  liveRunMessage,
  newRunId,
  openDatabase,
  publicSettings,
  writeTransaction,
} from '@chaos-lab/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { type ModelChoice, chooseModel } from './model/choose-model.js';
import { ModelCallCounter } from './model/model-calls.js';
import { loadPrompts } from './prompts/prompts-file.js';
import { RunRecords } from './records/records.js';
import type { RunSummary } from './records/summary.js';
import { type RunStart, executeRun } from './run/run-loop.js';
import type { EndpointResolver } from './tool-calls/tools.js';
import { loadAgentFactory } from './under-test/module-agent.js';

export type { RunStart } from './run/run-loop.js';

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
    ? {
        model: options.model,
        label: `custom:${options.model.getName()}`,
        reason: 'given by the caller',
        provider: 'custom',
      }
    : await chooseModel(settings, counter);

  const db = openDatabase(settings.LAB_DB_PATH);
  try {
    await options.startWhen;
    const records = new RunRecords(db, runId, now);
    // Checked and recorded in one write transaction, so two agents starting together cannot both pass.
    writeTransaction(db, () => {
      const other = liveRun(db, now(), settings.HEARTBEAT_STALE_MS, runId);
      if (other) throw new LabError('VALIDATION', liveRunMessage(other, settings.LAB_DB_PATH));
      if (
        !records.start({
          seed: settings.CHAOS_SEED,
          settings: publicSettings(settings),
          promptsTotal: prompts.length,
          model: choice.label,
        })
      ) {
        throw new LabError(
          'VALIDATION',
          `run id "${runId}" already exists in ${settings.LAB_DB_PATH}: choose another one`,
        );
      }
    });
    counter.recordTo({ db, runId, provider: choice.provider, model: choice.label, now });
    const recorded = { settings, prompts, promptsFile, runId, choice, counter, records, db, now, agentModule };
    return await executeRun({
      ...recorded,
      logger: options.logger,
      signal: options.signal,
      endpoints: options.endpoints,
      onStart: options.onStart,
    });
  } finally {
    db.close();
  }
}
