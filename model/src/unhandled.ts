/**
 * The offline model's mark on a final answer when it could not do part of the prompt: the key of
 * `response_metadata` in LangChain, and of the `chaos_lab` extension object of an OpenAI-style
 * completion on the wire (wire.ts writes it, the agent maps it back onto its AIMessage).
 */
export const UNHANDLED_KEY = 'unhandled';

/** The field of a chat completion (beside `choices`) that carries the lab's own marks. */
export const LAB_EXTENSION_FIELD = 'chaos_lab';
