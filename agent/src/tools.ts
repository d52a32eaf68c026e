/**
 * The agent's ten LangChain tools: each validates the model's arguments against its zod schema, makes
 * one resilient tool call ({@link callTool}) and hands the model a tool message.
 *
 * Tools are built once per run; what belongs to one prompt attempt (its index, deadline, the calls
 * that ended without a result) reaches them as the agent's runtime context, set by each
 * `agent.invoke(..., { context })`. A tool never throws for a failed call: the model gets an error
 * tool message saying what failed, and the prompt runner reads {@link PromptAttemptContext.failures}.
 */
import { type Endpoint, type ServiceSpec, type Settings, proxyEndpoint, serviceForTool, toolEndpoint } from '@chaos-lab/common';
import { ToolMessage } from '@langchain/core/messages';
import { type StructuredToolInterface, type ToolRuntime, tool } from '@langchain/core/tools';
import type { Dispatcher } from 'undici';
import type { ToolCallRow } from './records.js';
import { type ToolCallPolicy, type ToolCallResult, type ToolFailureType, callTool } from './tool-call.js';
import { TOOL_SPECS, type ToolSpec } from './tool-specs.js';

/** A tool call of a prompt attempt that ended without a result. */
export interface ToolFailure {
  readonly tool: string;
  readonly callId: string;
  /** `network` or `server` (see {@link ToolFailureType}); `agent` when the agent's own code failed. */
  readonly failureType: ToolFailureType | 'agent';
  readonly error: string;
}

/** What one prompt attempt gives its tools (the agent's runtime context). */
export interface PromptAttemptContext {
  readonly promptIndex: number;
  /** 1-based. */
  readonly promptAttempt: number;
  /** Fires on the attempt's deadline or the run's interruption; no tool attempt starts after it. */
  readonly signal: AbortSignal;
  /** Filled by the tools: calls that ended without a result, in the order they ended. */
  readonly failures: ToolFailure[];
  /** Filled by the tools when present: every call the model made (tool and validated arguments), in order; the verdict reads it. */
  readonly calls?: Array<{ readonly tool: string; readonly args: Readonly<Record<string, unknown>> }>;
}

/** Where a service is reached: through its proxy, and directly (the fallback). */
export interface ServiceEndpoints {
  readonly proxy: Endpoint;
  readonly direct: Endpoint;
}

/** Resolves a service's endpoints. */
export type EndpointResolver = (service: ServiceSpec) => ServiceEndpoints;

/**
 * The registry's endpoints: the proxy at `TOXIPROXY_HOST`:proxy port, the service at its
 * `<SERVICE>_TOOL_HOST` or `TOOLS_HOST`:tool port, ports shifted by `PORT_OFFSET`.
 */
export function registryEndpoints(settings: Settings): EndpointResolver {
  return (service) => ({ proxy: proxyEndpoint(service, settings), direct: toolEndpoint(service, settings) });
}

/** What the tools of a run share. */
export interface ToolDeps {
  readonly runId: string;
  /** Where the proxies and services are (default in a run: {@link registryEndpoints}). */
  readonly endpoints: EndpointResolver;
  readonly policy: ToolCallPolicy;
  readonly dispatcher?: Dispatcher;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** Records one attempt (database row and log line). */
  readonly record: (row: ToolCallRow) => void;
}

/** The tool policy settings name (DESIGN.md "Settings"). */
export function toolCallPolicy(settings: Settings): ToolCallPolicy {
  return {
    toolLimit: settings.TOOL_LIMIT,
    proxyTimeoutMs: settings.PROXY_TIMEOUT_MS,
    fallback: settings.FALLBACK === 'on',
    fallbackTimeoutMs: settings.FALLBACK_TIMEOUT_MS,
  };
}

function attemptContext(runtime: ToolRuntime): PromptAttemptContext {
  const context = runtime.context as PromptAttemptContext | undefined;
  if (!context || !Array.isArray(context.failures)) {
    throw new Error('tool called outside a prompt attempt: invoke the agent with { context: PromptAttemptContext }');
  }
  return context;
}

/** The text of a body for the model: JSON as it came, text as it is. */
function bodyText(body: unknown): string {
  return typeof body === 'string' ? body : JSON.stringify(body);
}

/** The tool message for how a call ended. */
function toolMessage(spec: ToolSpec, service: string, result: ToolCallResult, toolCallId: string, policy: ToolCallPolicy): ToolMessage {
  const base = { tool_call_id: toolCallId, name: spec.name };
  if (result.kind === 'result' && result.final.outcome === 'ok') return new ToolMessage({ ...base, content: bodyText(result.final.body) });
  if (result.kind === 'result') {
    return new ToolMessage({ ...base, status: 'error', content: `${spec.name} was refused by the ${service} service: ${result.final.error}` });
  }
  const tried = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}${policy.fallback ? ' (through its proxy, then directly)' : ' through its proxy'}`;
  return new ToolMessage({
    ...base,
    status: 'error',
    content: `${spec.name} failed: the ${service} service gave no result after ${tried}; last error: ${result.final.error}`,
  });
}

/**
 * Builds the ten tools of a run.
 * @param deps what the tools share (see {@link ToolDeps})
 * @returns LangChain structured tools in registry order, for `createAgent({ tools })`
 */
export function createTools(deps: ToolDeps): StructuredToolInterface[] {
  let calls = 0;
  return TOOL_SPECS.map((spec) => {
    const service = serviceForTool(spec.name);
    return tool(
      async (args: Record<string, unknown>, runtime: ToolRuntime) => {
        const context = attemptContext(runtime);
        // One id per logical call: the attempts and the fallback share it, so a write reaches the
        // service at most once; unique in the run, readable in the services' logs.
        const callId = `${deps.runId}/p${context.promptIndex}/a${context.promptAttempt}/c${++calls}`;
        const fail = (failureType: ToolFailure['failureType'], error: string) => context.failures.push({ tool: spec.name, callId, failureType, error });
        context.calls?.push({ tool: spec.name, args });
        let result: ToolCallResult;
        try {
          const { proxy, direct } = deps.endpoints(service);
          result = await callTool({
            request: spec.request(args, callId),
            proxy,
            direct,
            policy: deps.policy,
            signal: context.signal,
            dispatcher: deps.dispatcher,
            now: deps.now,
            onAttempt: (attempt) =>
              deps.record({ ...attempt, promptIndex: context.promptIndex, promptAttempt: context.promptAttempt, callId, tool: spec.name, service: service.name }),
          });
        } catch (err) {
          // A fault of the agent's own (not of the network or the service): the call has no result.
          const message = err instanceof Error ? err.message : String(err);
          fail('agent', message);
          return new ToolMessage({ tool_call_id: runtime.toolCallId, name: spec.name, status: 'error', content: `${spec.name} failed inside the agent: ${message}` });
        }
        if (result.kind === 'no_result') fail(result.failureType, result.final.error ?? 'no result');
        return toolMessage(spec, service.name, result, runtime.toolCallId, deps.policy);
      },
      { name: spec.name, description: spec.description, schema: spec.schema },
    );
  });
}
