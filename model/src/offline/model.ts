/**
 * The offline chat model: LangChain's chat-model interface with `bindTools` and real tool calls, so the
 * whole agent loop (`createAgent`) runs without a key or a network. It reads the latest human prompt,
 * routes it to the bound tools, and once the ToolMessages are back writes the answer from them.
 *
 * ```
 *  createAgent ──bindTools(tools)──▶ OfflineChatModel (bound names)
 *     │ invoke(messages)
 *     ▼
 *  readConversation ─▶ planPrompt(prompt, now, places) ─▶ nextMove(plan, rounds, bound)
 *     ├─ calls  → AIMessage { tool_calls: [{ id, name, args }] }   (the agent runs them, comes back)
 *     └─ answer → AIMessage { content: "It is 18.2 °C and partly cloudy in New York (…)." }
 *                 (response_metadata.unhandled: what it could not do, when it could not do a part)
 * ```
 *
 * Deterministic: the same prompt, clock and tool results always give the same calls and answer (only
 * the tool-call ids differ, and they can be injected).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { CallbackManagerForLLMRun } from '@langchain/core/callbacks/manager';
import type { BaseLanguageModelInput } from '@langchain/core/language_models/base';
import {
  BaseChatModel,
  type BaseChatModelCallOptions,
  type BaseChatModelParams,
  type BindToolsInput,
} from '@langchain/core/language_models/chat_models';
import { AIMessage, type AIMessageChunk, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import type { Runnable } from '@langchain/core/runnables';
import { readConversation } from './conversation.js';
import { nextMove } from './dialogue.js';
import { planPrompt } from './plan.js';
import { UNHANDLED_KEY } from '../unhandled.js';
import { defaultKnownPlaces } from './places.js';

/** How to build an offline model. */
export interface OfflineChatModelOptions extends BaseChatModelParams {
  /** The clock for relative dates ("tomorrow at 2 PM"); default `() => new Date()`. */
  now?: () => Date;
  /**
   * Place names and aliases recognised in any case for weather; default: the names in the weather
   * service's `tools/data/cities.json` when it is readable. Unknown capitalised places are tried anyway.
   */
  knownPlaces?: readonly string[];
  /** Makes the id of each tool call; default `call_` + 24 hex digits from a random UUID. */
  newToolCallId?: () => string;
  /**
   * Simulated think time of each call, ms (default 0). A hosted model takes a few hundred ms a call;
   * without it an offline run ends before the chaos loop's first tick. Cut short by the call's abort signal.
   */
  latencyMs?: number;
}

/** The name of a tool as LangChain hands it to `bindTools`: a tool object, or an OpenAI-style definition. */
function toolName(tool: BindToolsInput): string | undefined {
  const candidate = tool as { name?: unknown; function?: { name?: unknown } };
  if (typeof candidate.name === 'string') return candidate.name;
  return typeof candidate.function?.name === 'string' ? candidate.function.name : undefined;
}

/**
 * A deterministic chat model that routes prompts to tools by their words and answers from the tools'
 * results. Use it like any LangChain chat model: `createAgent({ model: new OfflineChatModel(), tools })`.
 */
export class OfflineChatModel extends BaseChatModel {
  /** The tools bound by `bindTools` (empty on an unbound model, as `createAgent` requires). */
  readonly tools: readonly BindToolsInput[];
  private readonly options: OfflineChatModelOptions;
  private readonly now: () => Date;
  private readonly newToolCallId: () => string;
  private readonly boundNames: ReadonlySet<string>;

  static override lc_name(): string {
    return 'OfflineChatModel';
  }

  /**
   * @param options clock, known places and tool-call ids (all optional), plus LangChain's chat-model params
   * @param tools the tools this instance may call; set by `bindTools`, not by callers
   */
  constructor(options: OfflineChatModelOptions = {}, tools: readonly BindToolsInput[] = []) {
    super(options);
    this.options = options;
    this.tools = tools;
    this.now = options.now ?? (() => new Date());
    this.newToolCallId = options.newToolCallId ?? (() => `call_${randomUUID().replaceAll('-', '').slice(0, 24)}`);
    this.boundNames = new Set(tools.map(toolName).filter((n): n is string => n !== undefined));
  }

  /** "offline": how LangChain and the lab's logs label this model. */
  _llmType(): string {
    return 'offline';
  }

  /**
   * A copy of this model that may call `tools` (added to any already bound), with `kwargs` (such as
   * `tool_choice`, which it accepts and ignores) bound as call options.
   */
  override bindTools(
    tools: BindToolsInput[],
    kwargs?: Partial<BaseChatModelCallOptions>,
  ): Runnable<BaseLanguageModelInput, AIMessageChunk, BaseChatModelCallOptions> {
    return new OfflineChatModel(this.options, [...this.tools, ...tools]).withConfig(kwargs ?? {});
  }

  /**
   * One step of the conversation: the tool calls of the prompt's next wave, or the final answer once
   * every wave's ToolMessages are in. A conversation without a human message gets a short reply.
   */
  async _generate(
    messages: BaseMessage[],
    options: this['ParsedCallOptions'],
    runManager?: CallbackManagerForLLMRun,
  ): Promise<ChatResult> {
    if (this.options.latencyMs) await delay(this.options.latencyMs, undefined, { signal: options.signal });
    const { prompt, rounds } = readConversation(messages);
    const move =
      prompt === undefined || prompt === ''
        ? { answer: 'I did not receive a question to answer.' }
        : nextMove(
            planPrompt(prompt, { now: this.now(), places: this.options.knownPlaces ?? defaultKnownPlaces() }),
            rounds,
            this.boundNames,
          );
    if ('calls' in move) {
      const message = new AIMessage({
        content: '',
        tool_calls: move.calls.map((call) => ({
          id: this.newToolCallId(),
          name: call.name,
          args: call.args,
          type: 'tool_call' as const,
        })),
      });
      return { generations: [{ text: '', message }] };
    }
    await runManager?.handleLLMNewToken(move.answer);
    // What it could not do rides on the message, so the harness records the prompt as unhandled.
    const message = new AIMessage({
      content: move.answer,
      response_metadata: 'unhandled' in move && move.unhandled ? { [UNHANDLED_KEY]: move.unhandled } : {},
    });
    return { generations: [{ text: move.answer, message }] };
  }
}
