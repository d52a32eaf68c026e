/**
 * The offline chat model's public API: `new OfflineChatModel(options?)`, a LangChain chat model with
 * real tool calls for machines without a key or network (see model.ts).
 */
export { OfflineChatModel, type OfflineChatModelOptions } from './model.js';
