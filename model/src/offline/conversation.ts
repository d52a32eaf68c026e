/**
 * Reads the conversation the agent loop hands the model: the latest human prompt and, after it, each
 * round of tool calls the model made with the outcomes the ToolMessages brought back.
 */
import { AIMessage, HumanMessage, ToolMessage, type BaseMessage } from '@langchain/core/messages';
import { contentText, toolOutcome } from './outcomes.js';
import type { CallResult, ToolName } from './types.js';

/** The prompt being answered and the tool-call rounds made for it so far, oldest first. */
export interface Conversation {
  /** The text of the latest human message, or undefined when there is none. */
  prompt: string | undefined;
  /** One entry per AI message with tool calls after the prompt; each call with its outcome. */
  rounds: CallResult[][];
}

/**
 * Splits `messages` into the latest prompt and the tool-call rounds after it. A call whose ToolMessage is
 * missing counts as failed ("no result came back"); system messages and earlier turns are ignored.
 */
export function readConversation(messages: readonly BaseMessage[]): Conversation {
  const start = messages.findLastIndex((m) => HumanMessage.isInstance(m));
  if (start < 0) return { prompt: undefined, rounds: [] };
  const after = messages.slice(start + 1);
  const answers = new Map(
    after.filter((m): m is ToolMessage => ToolMessage.isInstance(m)).map((m) => [m.tool_call_id, m] as const),
  );
  const rounds = after
    .filter((m): m is AIMessage => AIMessage.isInstance(m) && (m.tool_calls?.length ?? 0) > 0)
    .map((m) =>
      (m.tool_calls ?? []).map((call) => {
        const answer = answers.get(call.id ?? '');
        return {
          call: { name: call.name as ToolName, args: call.args },
          outcome:
            answer === undefined
              ? { ok: false as const, reason: 'no result came back' }
              : toolOutcome(answer, call.name),
        };
      }),
    );
  return { prompt: contentText(messages[start].content).trim(), rounds };
}
