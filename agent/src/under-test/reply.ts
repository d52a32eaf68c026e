/**
 * An agent under test's reply, checked and turned into what the prompt runner reads: the final AI
 * message, with the agent's unhandled mark where the runner looks for the model's
 * (`response_metadata.unhandled`, verdicts/verdict.ts).
 */
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import { UNHANDLED_KEY } from '../verdicts/verdict.js';
import type { AgentReply } from './contract.js';

/**
 * Checks a reply.
 * @param value what the agent gave: a string (the answer) or `{ answer, unhandled? }`
 * @param from who gave it, for the error (`the module's invoke`, `POST …/prompt`)
 * @throws Error naming what is wrong with the shape
 */
export function checkReply(value: unknown, from: string): AgentReply {
  if (typeof value === 'string') return { answer: value };
  const reply = value as { answer?: unknown; unhandled?: unknown } | null;
  if (reply === null || typeof reply !== 'object' || !(reply.answer === null || typeof reply.answer === 'string')) {
    throw new Error(
      `${from} gave ${JSON.stringify(value)?.slice(0, 200)}: expected a string or { "answer": string | null, "unhandled"?: string }`,
    );
  }
  if (reply.unhandled !== undefined && typeof reply.unhandled !== 'string')
    throw new Error(`${from} gave a non-string "unhandled": ${JSON.stringify(reply.unhandled)}`);
  return {
    answer: reply.answer,
    ...(typeof reply.unhandled === 'string' && reply.unhandled.trim() !== '' ? { unhandled: reply.unhandled } : {}),
  };
}

/** The reply as the agent's last message (none when it has no answer). */
export function replyMessages(reply: AgentReply): BaseMessage[] {
  if (reply.answer === null) return [];
  return [
    new AIMessage({
      content: reply.answer,
      response_metadata: reply.unhandled === undefined ? {} : { [UNHANDLED_KEY]: reply.unhandled },
    }),
  ];
}

/** The `AgentPrompt.id` of a prompt: its id, else its index as text. */
export function promptId(prompt: { id?: string; index: number }): string {
  return prompt.id ?? String(prompt.index);
}

/** The `X-Request-Id` prefix of a prompt attempt (its one rule, with the parser the model gateway reads it with). */
export { requestIdPrefix } from '@chaos-lab/common';
