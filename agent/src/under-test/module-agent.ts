/**
 * `AGENT_MODULE`: a JavaScript module's agent, run as the lab runs its own. The module's factory
 * ({@link AgentFactory}) gets the lab's model and tools; each prompt attempt runs in a prompt scope
 * (prompt-scope.ts), so the lab's tools record their attempts and calls, and the lab's model its
 * model calls, under the right prompt, and the verdict reads the calls as for the lab's own agent.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LabError } from '@chaos-lab/common';
import { ModelCallError } from '../model/model-calls.js';
import type { InvokableAgent } from '../prompts/prompt-runner.js';
import type { Prompt } from '../prompts/prompts-file.js';
import type { AgentFactory, AgentFactoryInput, AgentUnderTest } from './contract.js';
import { type PromptScope, inPromptScope } from './prompt-scope.js';
import { checkReply, promptId, replyMessages, requestIdPrefix } from './reply.js';

/**
 * Loads the module's factory: its default export, else its export `createAgent`.
 * @param path the module's absolute path (`AGENT_MODULE`, resolved from the project root)
 * @throws {LabError} `SETTINGS_INVALID` naming `AGENT_MODULE` when the file is missing, does not load,
 *   or exports no function
 */
export async function loadAgentFactory(path: string): Promise<AgentFactory> {
  if (!existsSync(path)) throw new LabError('SETTINGS_INVALID', `AGENT_MODULE=${path}: no such file`);
  let mod: { default?: unknown; createAgent?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as typeof mod;
  } catch (err) {
    throw new LabError(
      'SETTINGS_INVALID',
      `AGENT_MODULE=${path}: the module does not load: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  const factory = typeof mod.default === 'function' ? mod.default : mod.createAgent;
  if (typeof factory !== 'function')
    throw new LabError(
      'SETTINGS_INVALID',
      `AGENT_MODULE=${path}: export a factory function, as default or as "createAgent"`,
    );
  return factory as AgentFactory;
}

/**
 * Rejects when `signal` fires, whether or not `work` listens to it: an agent that ignores its signal
 * still cannot hold the run past the attempt's deadline.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Builds the module's agent for the run.
 * @param factory the module's factory
 * @param input the lab's model (its requests counted: prompt-scope.ts `countScopedModelCalls`), tools
 *   (`scopedTools`) and handoff
 * @param prompts the run's prompts (for each attempt's id)
 * @returns the agent for the prompt runner, and `close` (the agent's own, if any)
 * @throws {LabError} `SETTINGS_INVALID` when the factory throws or returns no `invoke`
 */
export async function moduleAgent(
  factory: AgentFactory,
  input: AgentFactoryInput,
  prompts: readonly Prompt[],
): Promise<{ agent: InvokableAgent; close(): Promise<void> }> {
  let underTest: AgentUnderTest;
  try {
    underTest = await factory(input);
  } catch (err) {
    throw new LabError('SETTINGS_INVALID', `AGENT_MODULE: the factory threw: ${(err as Error).message}`);
  }
  if (typeof underTest?.invoke !== 'function')
    throw new LabError(
      'SETTINGS_INVALID',
      'AGENT_MODULE: the factory must return an object with an invoke(prompt, { signal }) method',
    );
  const byIndex = new Map(prompts.map((p) => [p.index, p]));
  const agent: InvokableAgent = {
    async invoke(_input, { signal, context }) {
      const prompt = byIndex.get(context.promptIndex)!;
      const scope: PromptScope = { context };
      const asked = {
        id: promptId(prompt),
        index: prompt.index,
        attempt: context.promptAttempt,
        prompt: prompt.prompt,
        requestIdPrefix: requestIdPrefix(input.lab.runId, prompt.index, context.promptAttempt),
      };
      let value: unknown;
      try {
        value = await untilAborted(
          inPromptScope(scope, () => underTest.invoke(asked, { signal })),
          signal,
        );
      } catch (err) {
        // What the agent threw after the model's last request failed is the model's failure (error type model).
        throw scope.lastModelRequest !== undefined && scope.lastModelRequest.status !== 'ok'
          ? new ModelCallError(err)
          : err;
      }
      const reply = checkReply(value, "the module's invoke");
      // The model's last answer was marked unhandled: the agent's answer is that answer, passed on.
      const unhandled = reply.unhandled ?? scope.lastModelRequest?.unhandled;
      return { messages: replyMessages({ ...reply, ...(unhandled === undefined ? {} : { unhandled }) }) };
    },
  };
  return { agent, close: async () => underTest.close?.() };
}
