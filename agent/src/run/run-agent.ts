/**
 * The agent a run drives and the tools it calls: the run's tools from the lab file (tool-calls/),
 * each attempt and call recorded as it ends, and the lab's own LangChain agent (lab-agent.ts) or the
 * one under test (`AGENT_MODULE`, `AGENT_URL`: under-test/index.ts) given those tools.
 */
import type { Database, Logger, Settings } from '@chaos-lab/common';
import type { Dispatcher } from 'undici';
import type { ModelChoice } from '../model/choose-model.js';
import type { ModelCallCounter } from '../model/model-calls.js';
import type { Prompt } from '../prompts/prompts-file.js';
import type { RunRecords } from '../records/records.js';
import { announcer, runNeedsAnnouncements } from '../tool-calls/fault-hook.js';
import { toolBindings } from '../tool-calls/tool-bindings.js';
import { type EndpointResolver, createTools, registryEndpoints, toolCallPolicy } from '../tool-calls/tools.js';
import { type AgentFactory, type AgentForRun, agentForRun } from '../under-test/index.js';
import { createLabAgent } from './lab-agent.js';
import { toolAttemptRecorder } from './recorders.js';

/** What building the run's agent needs. */
export interface RunAgentDeps {
  readonly settings: Settings;
  readonly runId: string;
  readonly prompts: readonly Prompt[];
  /** `AGENT_MODULE`'s factory, loaded before the run; undefined without one. */
  readonly agentModule: AgentFactory | undefined;
  readonly db: Database;
  readonly choice: ModelChoice;
  readonly counter: ModelCallCounter;
  readonly records: RunRecords;
  /** Where the proxies and services are (default: the registry's, {@link registryEndpoints}). */
  readonly endpoints?: EndpointResolver;
  /** The run's connection pool for tool calls. */
  readonly dispatcher: Dispatcher;
  /** info.log and agent.log, bound to the run. */
  readonly info: Logger;
  readonly agentLog: Logger;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** Told once when an agent under test over HTTP is gone (see {@link agentForRun}). */
  readonly onAgentGone: (reason: string) => void;
}

/**
 * Builds the run's tools and its agent.
 * @returns the agent and what closes it (see {@link agentForRun})
 * @throws {LabError} `SERVICE_ABSENT` when an MCP server of the lab file cannot be listed; the errors
 *   of {@link agentForRun} for an agent under test that does not build or answer
 */
export async function agentOfRun(deps: RunAgentDeps): Promise<AgentForRun> {
  const { settings, runId, now } = deps;
  const endpoints = deps.endpoints ?? registryEndpoints(settings);
  const tools = createTools({
    runId,
    bindings: await toolBindings(settings),
    endpoints,
    policy: toolCallPolicy(settings),
    dispatcher: deps.dispatcher,
    now,
    announce: runNeedsAnnouncements(deps.db, runId)
      ? announcer(settings.PROXY_MANAGER_URL, runId, deps.info)
      : undefined,
    record: toolAttemptRecorder(deps.records, deps.agentLog),
    recordCall: (row) => deps.records.addLogicalCall(row),
  });
  return agentForRun({
    settings,
    runId,
    prompts: deps.prompts,
    agentModule: deps.agentModule,
    db: deps.db,
    model: deps.choice.model,
    counter: deps.counter,
    tools,
    endpoints,
    log: deps.info,
    now,
    onAgentGone: deps.onAgentGone,
    labAgent: () => createLabAgent({ model: deps.choice.model, tools, counter: deps.counter, today: new Date(now()) }),
  });
}
