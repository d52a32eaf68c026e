/**
 * The agent's ten LangChain tools: each validates the model's arguments against its zod schema, makes
 * one resilient tool call ({@link callTool}), records it as one logical call (its arguments and a
 * digest of its result; its attempts are recorded as they end) and hands the model a tool message.
 *
 * Tools are built once per run; what belongs to one prompt attempt (its index, deadline, the calls
 * that ended without a result) reaches them as the agent's runtime context, set by each
 * `agent.invoke(..., { context })`. A tool never throws for a failed call: the model gets an error
 * tool message saying what failed, and the prompt runner reads {@link PromptAttemptContext.failures}.
 */
import { createHash } from 'node:crypto';
import {
  type Endpoint,
  type ServicePorts,
  type Settings,
  createRandom,
  proxyEndpoint,
  serviceForTool,
  toolEndpoint,
} from '@chaos-lab/common';
import { ToolMessage } from '@langchain/core/messages';
import { type StructuredToolInterface, type ToolRuntime, tool } from '@langchain/core/tools';
import type { Dispatcher } from 'undici';
import type { Announce } from './fault-hook.js';
import type { LogicalCallRow, ToolCallRow } from '../records/records.js';
import type { AttemptResult } from './service-http.js';
import { type ToolCallPolicy, type ToolCallResult, type ToolFailureType, callTool } from './tool-call.js';
import { idempotencyKey } from './idempotency-key.js';
import { mcpToolRequest, sendMcpAttempt } from './mcp-call.js';
import type { ToolBinding } from './tool-bindings.js';
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
export type EndpointResolver = (service: ServicePorts) => ServiceEndpoints;

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
  /** Records one logical call when it has ended (`RunRecords.addLogicalCall`); calls are not recorded without it. */
  readonly recordCall?: (row: LogicalCallRow) => void;
  /** Announces each attempt to the proxy-manager and waits for its acknowledgement (runs with a fault plan: fault-hook.ts). */
  readonly announce?: Announce;
  /** The run's tools and how each is called (`toolBindings`: the lab file); default: the ten built-in tools over HTTP. */
  readonly bindings?: readonly ToolBinding[];
}

/** How many characters of a result's JSON text `logical_calls.result_digest` keeps. */
export const RESULT_DIGEST_CHARS = 300;

/**
 * The tool call policy the settings name (docs/settings.md); the backoff's jitter comes from the run's
 * seed (`CHAOS_SEED`, stream `tool-backoff`), so a run's waits replay with it.
 */
export function toolCallPolicy(settings: Settings): ToolCallPolicy {
  const random = createRandom(settings.CHAOS_SEED).fork('tool-backoff');
  return {
    toolLimit: settings.TOOL_LIMIT,
    proxyTimeoutMs: settings.PROXY_TIMEOUT_MS,
    fallback: settings.FALLBACK === 'on',
    fallbackTimeoutMs: settings.FALLBACK_TIMEOUT_MS,
    backoffBaseMs: settings.TOOL_BACKOFF_BASE_MS,
    backoffMaxMs: settings.TOOL_BACKOFF_MAX_MS,
    jitter: () => random.next(),
    idempotencyKeys: settings.IDEMPOTENCY_KEYS,
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

/** The result columns of a logical call: the first characters of the body's JSON text and its SHA-256. */
function resultDigest(final: AttemptResult): Pick<LogicalCallRow, 'resultDigest' | 'resultSha256'> {
  if (final.body === null || final.body === undefined) return { resultDigest: null, resultSha256: null };
  const text = bodyText(final.body);
  return {
    resultDigest: text.slice(0, RESULT_DIGEST_CHARS),
    resultSha256: createHash('sha256').update(text).digest('hex'),
  };
}

/** The `logical_calls.status` of a call that ended. */
function callStatus(result: ToolCallResult): LogicalCallRow['status'] {
  if (result.kind === 'no_result') return 'no_result';
  return result.final.outcome === 'ok' ? 'result' : 'refused';
}

/** The tool message for how a call ended. */
function toolMessage(
  spec: Pick<ToolSpec, 'name'>,
  service: string,
  result: ToolCallResult,
  toolCallId: string,
  policy: ToolCallPolicy,
): ToolMessage {
  const base = { tool_call_id: toolCallId, name: spec.name };
  if (result.kind === 'result' && result.final.outcome === 'ok')
    return new ToolMessage({ ...base, content: bodyText(result.final.body) });
  if (result.kind === 'result') {
    return new ToolMessage({
      ...base,
      status: 'error',
      content: `${spec.name} was refused by the ${service} service: ${result.final.error}`,
    });
  }
  const tried = `${result.attempts} attempt${result.attempts === 1 ? '' : 's'}${policy.fallback ? ' (through its proxy, then directly)' : ' through its proxy'}`;
  return new ToolMessage({
    ...base,
    status: 'error',
    content: `${spec.name} failed: the ${service} service gave no result after ${tried}; last error: ${result.final.error}`,
  });
}

/** The ten built-in tools over HTTP, each bound to its registry service. */
function registryBindings(): ToolBinding[] {
  return TOOL_SPECS.map((spec) => ({
    spec,
    service: serviceForTool(spec.name as Parameters<typeof serviceForTool>[0]),
  }));
}

/**
 * Builds the tools of a run.
 * @param deps what the tools share (see {@link ToolDeps}); `bindings` the tools (default: the ten built-in ones)
 * @returns LangChain structured tools in binding order (lab file order), for `createAgent({ tools })`
 */
export function createTools(deps: ToolDeps): StructuredToolInterface[] {
  let calls = 0;
  return (deps.bindings ?? registryBindings()).map(({ spec, service, mcp }) => {
    return tool(
      async (args: Record<string, unknown>, runtime: ToolRuntime) => {
        const context = attemptContext(runtime);
        // One id per logical call: the attempts and the fallback share it, so a write reaches the
        // service at most once; unique in the run, readable in the services' logs.
        const callId = `${deps.runId}/p${context.promptIndex}/a${context.promptAttempt}/c${++calls}`;
        // The write's idempotency key (idempotency-key.ts); a tool that does not write sends none.
        const key = spec.writes
          ? idempotencyKey(deps.policy.idempotencyKeys ?? 'per-call', {
              runId: deps.runId,
              promptIndex: context.promptIndex,
              callId,
              tool: spec.name,
              args,
            })
          : callId;
        const fail = (failureType: ToolFailure['failureType'], error: string) =>
          context.failures.push({ tool: spec.name, callId, failureType, error });
        context.calls?.push({ tool: spec.name, args });
        const startedAt = deps.now();
        let attempts = 0;
        let lastStatus: number | null = null;
        const recordCall = (row: Pick<LogicalCallRow, 'status' | 'resultDigest' | 'resultSha256'>) =>
          deps.recordCall?.({
            ...row,
            callId,
            promptIndex: context.promptIndex,
            promptAttempt: context.promptAttempt,
            tool: spec.name,
            service: service.name,
            arguments: args,
            attempts,
            httpStatus: lastStatus,
            startedAt,
            finishedAt: deps.now(),
          });
        let result: ToolCallResult;
        try {
          const { proxy, direct } = deps.endpoints(service);
          result = await callTool({
            callId,
            // Over MCP a write's idempotency key travels as the tool's `request_id` argument (tools/src/mcp).
            request: mcp
              ? mcpToolRequest(mcp, spec.name, spec.writes ? { ...args, request_id: key } : args)
              : spec.request(args, key),
            send: mcp ? sendMcpAttempt : undefined,
            proxy,
            direct,
            policy: deps.policy,
            signal: context.signal,
            dispatcher: deps.dispatcher,
            now: deps.now,
            beforeAttempt: deps.announce
              ? (attempt) => deps.announce!({ promptIndex: context.promptIndex, tool: spec.name, callId, attempt })
              : undefined,
            onAttempt: (attempt) => {
              attempts = attempt.attempt;
              lastStatus = attempt.httpStatus;
              deps.record({
                ...attempt,
                promptIndex: context.promptIndex,
                promptAttempt: context.promptAttempt,
                callId,
                tool: spec.name,
                service: service.name,
              });
            },
          });
        } catch (err) {
          // A fault of the agent's own (not of the network or the service): the call has no result.
          const message = err instanceof Error ? err.message : String(err);
          fail('agent', message);
          recordCall({ status: 'agent_error', resultDigest: null, resultSha256: null });
          return new ToolMessage({
            tool_call_id: runtime.toolCallId,
            name: spec.name,
            status: 'error',
            content: `${spec.name} failed inside the agent: ${message}`,
          });
        }
        if (result.kind === 'no_result') fail(result.failureType, result.final.error ?? 'no result');
        recordCall({ status: callStatus(result), ...resultDigest(result.final) });
        return toolMessage(spec, service.name, result, runtime.toolCallId, deps.policy);
      },
      { name: spec.name, description: spec.description, schema: spec.schema },
    );
  });
}
