/**
 * The prompt attempt a module agent is working on, carried to the lab's tools and model without the
 * module's help: an async-local scope opened around each `AgentUnderTest.invoke`, so a LangChain tool
 * call or a request of the lab's model made anywhere inside it (a LangGraph node, a plain loop, a promise chain) knows its
 * prompt, its deadline and where to write its failures and calls, as the lab's own agent passes them
 * in its runtime context.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ToolMessage } from '@langchain/core/messages';
import { type StructuredToolInterface, type ToolRuntime, tool } from '@langchain/core/tools';
import type { ModelCallCounter, ModelRequestEnd } from '../model/model-calls.js';
import type { PromptAttemptContext } from '../tool-calls/tools.js';

/** The scope of one prompt attempt. */
export interface PromptScope {
  readonly context: PromptAttemptContext;
  /** How the attempt's last request to the lab's model ended (its status and the model's unhandled mark). */
  lastModelRequest?: ModelRequestEnd;
}

const scopes = new AsyncLocalStorage<PromptScope>();

/** Runs `work` in the scope of a prompt attempt. */
export function inPromptScope<T>(scope: PromptScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

/**
 * The lab's tools, callable from a foreign agent: each passes the current prompt attempt's context to
 * the lab tool it wraps (whose records, retries and verdict bookkeeping then work as usual).
 * @param tools the lab's tools (`createTools`)
 * @returns tools of the same names, descriptions and schemas; each returns the lab tool's ToolMessage
 *   when called with a tool call, its text otherwise
 * @throws (when called) an Error outside {@link inPromptScope}: the call would belong to no prompt
 */
export function scopedTools(tools: readonly StructuredToolInterface[]): StructuredToolInterface[] {
  return tools.map((inner) =>
    tool(
      async (args: Record<string, unknown>, runtime: ToolRuntime) => {
        const scope = scopes.getStore();
        if (!scope)
          throw new Error(`${inner.name} was called outside a prompt: call the lab's tools from AgentUnderTest.invoke`);
        const toolCallId = runtime?.toolCallId || `${inner.name}-${scope.context.promptIndex}`;
        // As LangGraph's ToolNode calls a tool: the call's id in the config too, where the lab's tools read it.
        const config = { context: scope.context, signal: scope.context.signal, toolCallId };
        const message = (await inner.invoke(
          { type: 'tool_call', id: toolCallId, name: inner.name, args },
          config as never,
        )) as ToolMessage;
        return runtime?.toolCallId ? message : ToolMessage.isInstance(message) ? message.text : message;
      },
      { name: inner.name, description: inner.description, schema: inner.schema as never },
    ),
  ) as StructuredToolInterface[];
}

/**
 * Counts the lab's model calls made inside prompt scopes: each HTTP request of the run's model client
 * made in a scope is a `model_calls` row of that prompt attempt, and the scope learns how it ended.
 * @param counter the run's counter (whose `fetch` the run's model client uses)
 */
export function countScopedModelCalls(counter: ModelCallCounter): void {
  counter.countOutsideCalls(() => {
    const scope = scopes.getStore();
    if (!scope) return undefined;
    const { promptIndex, promptAttempt, signal } = scope.context;
    return { promptIndex, promptAttempt, signal, onRequestEnd: (end) => (scope.lastModelRequest = end) };
  });
}
