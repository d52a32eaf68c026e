/**
 * A tiny scripted chat model for harness tests (the real runs use ChatGroq or the offline model): each
 * model turn calls `script(messages, turn, signal)`, which returns the AI message (with tool calls, or a
 * final answer) or throws.
 */
import { BaseChatModel, type BaseChatModelCallOptions } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage, HumanMessage, ToolMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';

/** One model turn. */
export type Script = (messages: BaseMessage[], turn: number, signal?: AbortSignal) => AIMessage | Promise<AIMessage>;

/** The scripted model. */
export class ScriptedChatModel extends BaseChatModel {
  turns = 0;
  readonly #script: Script;

  constructor(script: Script) {
    super({});
    this.#script = script;
  }

  _llmType(): string {
    return 'scripted';
  }

  override bindTools(): this {
    return this;
  }

  async _generate(messages: BaseMessage[], options: this['ParsedCallOptions']): Promise<ChatResult> {
    const message = await this.#script(messages, this.turns++, (options as BaseChatModelCallOptions).signal);
    return { generations: [{ message, text: message.text }] };
  }
}

/** The last human message's text. */
export function promptOf(messages: BaseMessage[]): string {
  return [...messages].reverse().find((m) => HumanMessage.isInstance(m))?.text ?? '';
}

/** The tool messages since the last human message. */
export function toolResults(messages: BaseMessage[]): ToolMessage[] {
  return messages.filter((m): m is ToolMessage => ToolMessage.isInstance(m));
}

/**
 * A script that makes `calls` on the first turn and then answers with the tool results, as
 * `name:status:content` lines.
 */
export function callThenAnswer(calls: (prompt: string) => { name: string; args: Record<string, unknown> }[]): Script {
  return (messages) => {
    const results = toolResults(messages);
    if (results.length === 0) {
      return new AIMessage({
        content: '',
        tool_calls: calls(promptOf(messages)).map((c, i) => ({ ...c, id: `call_${i}`, type: 'tool_call' as const })),
      });
    }
    return new AIMessage(results.map((r) => `${r.name}:${r.status ?? 'success'}:${r.text}`).join('\n'));
  };
}

/** Resolves when `signal` aborts, then rejects with its reason (a model call that never answers). */
export function hangUntilAborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
