/**
 * The LangChain agent: `createAgent` (langchain v1) with the ten tools, the model-call middleware and
 * a system prompt that gives the model today's date (so "tomorrow" can become a YYYY-MM-DD argument).
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';
import { createAgent } from 'langchain';
import { type ModelCallCounter, modelCallMiddleware } from '../model/model-calls.js';
import type { InvokableAgent } from '../prompts/prompt-runner.js';

/**
 * The system prompt.
 * @param today the date the run treats as today
 */
function systemPrompt(today: Date): string {
  const date = today.toISOString().slice(0, 10);
  const weekday = today.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' });
  return [
    `You are a helpful assistant with tools. Today is ${weekday}, ${date} (UTC).`,
    'Use a tool whenever the question needs one: web search, weather, films, the calendar, arithmetic, messages, translation.',
    'Give tools dates as YYYY-MM-DD and times as 24-hour HH:MM. Call several tools when the question asks several things.',
    'Answer from the tool results only. When a tool fails, say plainly which one and that its answer is missing; never invent a result.',
  ].join('\n');
}

/**
 * Builds the agent.
 * @param deps `model` the chat model (tools are bound by `createAgent`); `tools` from
 *   `createTools`; `counter` counts model calls; `today` for the system prompt
 * @returns the agent, invoked once per prompt attempt with `{ signal, context }`
 */
export function createLabAgent(deps: {
  model: BaseChatModel;
  tools: StructuredToolInterface[];
  counter: ModelCallCounter;
  today: Date;
}): InvokableAgent {
  // createAgent's invoke is typed over every state and context schema it could have; the runner
  // needs only messages in, messages out, with a signal and the attempt's context.
  return createAgent({
    model: deps.model,
    tools: deps.tools,
    middleware: [modelCallMiddleware(deps.counter)],
    systemPrompt: systemPrompt(deps.today),
  }) as unknown as InvokableAgent;
}
