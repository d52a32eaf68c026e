/**
 * The agent a run tests: the lab's own, a module's (`AGENT_MODULE`), or a process over HTTP
 * (`AGENT_URL`, started by `AGENT_COMMAND` or already running). See docs/your-agent.md.
 *
 *   AGENT_MODULE ─▶ load the factory ─▶ factory({ model, tools, lab }) ─▶ invoke per prompt attempt
 *   AGENT_URL    ─▶ handoff file (+ env) ─▶ [AGENT_COMMAND started] ─▶ /health ─▶ POST /prompt per attempt
 *                   (an agent that dies or stops answering fails the run: agent-liveness.ts)
 *   neither      ─▶ the lab's LangChain agent
 */
import { dirname } from 'node:path';
import {
  AGENT_COMMAND_PART,
  type Database,
  type Logger,
  type Settings,
  labServices,
  modelBaseUrl,
  partStarted,
  partStopped,
  recordsServiceRequests,
} from '@chaos-lab/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';
import type { ModelCallCounter } from '../model/model-calls.js';
import type { InvokableAgent } from '../prompts/prompt-runner.js';
import type { Prompt } from '../prompts/prompts-file.js';
import type { EndpointResolver } from '../tool-calls/tools.js';
import type { AgentFactory, LabHandoff } from './contract.js';
import { AgentLiveness } from './agent-liveness.js';
import { startAgentProcess, waitForAgent } from './agent-process.js';
import { handoffEnv, writeHandoff } from './handoff.js';
import { httpAgent } from './http-agent.js';
import { moduleAgent } from './module-agent.js';
import { countScopedModelCalls, scopedTools } from './prompt-scope.js';
import { labSurface } from './surface.js';

export type * from './contract.js';

/**
 * The model name handed to agents under test. The lab's model server answers under any name; this is
 * the one it lists (`GET /v1/models`, model/src/app.ts `OFFLINE_MODEL_ID`).
 */
export const HANDOFF_MODEL_NAME = 'chaos-lab-offline';

/** What choosing the run's agent needs. */
export interface AgentForRunDeps {
  readonly settings: Settings;
  readonly runId: string;
  readonly prompts: readonly Prompt[];
  /** `AGENT_MODULE`'s factory, loaded before the run (`loadAgentFactory`). */
  readonly agentModule: AgentFactory | undefined;
  readonly db: Database;
  /** The run's chat model and its counter. */
  readonly model: BaseChatModel;
  readonly counter: ModelCallCounter;
  /** The lab's tools of the run (`createTools`). */
  readonly tools: readonly StructuredToolInterface[];
  readonly endpoints: EndpointResolver;
  /** info.log of the run. */
  readonly log: Logger;
  readonly now: () => number;
  /** Builds the lab's own agent. */
  readonly labAgent: () => InvokableAgent;
  /** Told once, with one line, when an agent over HTTP is gone (died, stopped answering) during the run. */
  readonly onAgentGone: (reason: string) => void;
}

/** The run's agent. */
export interface AgentForRun {
  readonly agent: InvokableAgent;
  /** Stops what was started for it (the module's close, the agent's process). Never rejects. */
  close(): Promise<void>;
}

/**
 * Chooses and builds the run's agent from the settings.
 * @throws {LabError} `SETTINGS_INVALID` for a module that does not load or build; `NOT_READY` when
 *   `AGENT_URL/health` does not answer in time (the started command is stopped first)
 */
export async function agentForRun(deps: AgentForRunDeps): Promise<AgentForRun> {
  const { settings } = deps;
  if (deps.agentModule === undefined && settings.AGENT_URL === undefined) {
    return { agent: deps.labAgent(), close: async () => undefined };
  }
  const surface = labSurface(labServices(settings), deps.endpoints);
  const handoff: LabHandoff = {
    runId: deps.runId,
    model: { baseUrl: modelBaseUrl(settings), name: HANDOFF_MODEL_NAME },
    proxies: surface.proxies,
    tools: surface.tools,
    today: new Date(deps.now()).toISOString().slice(0, 10),
    promptTimeoutMs: settings.PROMPT_TIMEOUT_MS,
  };
  if (deps.agentModule !== undefined) {
    countScopedModelCalls(deps.counter);
    const built = await moduleAgent(
      deps.agentModule,
      { model: deps.model, tools: scopedTools(deps.tools), lab: handoff },
      deps.prompts,
    );
    deps.log.info({ agent_module: settings.AGENT_MODULE }, `agent under test: module ${settings.AGENT_MODULE}`);
    return {
      agent: built.agent,
      close: () => built.close().catch((err: unknown) => deps.log.warn({ err }, 'the agent module failed to close')),
    };
  }
  const url = settings.AGENT_URL!;
  const file = writeHandoff(handoff, dirname(settings.LAB_DB_PATH));
  const process =
    settings.AGENT_COMMAND === undefined
      ? undefined
      : startAgentProcess(settings.AGENT_COMMAND, handoffEnv(handoff, file, url), deps.log);
  if (process) {
    // Recorded for the launcher, which stops the command's group if this part dies before it can.
    partStarted(deps.db, AGENT_COMMAND_PART, process.pid, deps.now());
    void process.exited.then(() => {
      try {
        partStopped(deps.db, AGENT_COMMAND_PART, deps.now());
      } catch (err) {
        deps.log.warn({ err: (err as Error).message }, "the agent command's stop could not be recorded");
      }
    });
  }
  try {
    await waitForAgent(url, settings.AGENT_READY_TIMEOUT_MS, process);
  } catch (err) {
    await process?.stop();
    throw err;
  }
  const recording = recordsServiceRequests(settings);
  deps.log.info(
    { agent_url: url, agent_command: settings.AGENT_COMMAND, handoff_file: file, service_requests: recording },
    `agent under test: ${url}`,
  );
  const liveness = new AgentLiveness({
    url,
    process,
    promptIndexes: deps.prompts.map((p) => p.index),
    onGone: deps.onAgentGone,
  });
  const agent = httpAgent({
    url,
    runId: deps.runId,
    prompts: deps.prompts,
    db: deps.db,
    surface,
    recording,
    now: deps.now,
    liveness,
  });
  return {
    agent,
    close: async () => {
      liveness.close();
      await process?.stop();
    },
  };
}
