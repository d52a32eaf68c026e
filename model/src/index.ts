/**
 * @chaos-lab/model: the lab's model part. An OpenAI-compatible HTTP server (`/v1/chat/completions`
 * with tools, tool calls and streaming; Anthropic's Messages API, `/v1/messages` (anthropic/);
 * `/v1/models`; `/health`) around the deterministic offline model, with the LLM fault gateway in front
 * of it (gateway/).
 */
export { createModelApp, FAULT_HEADER, OFFLINE_MODEL_ID, type ModelAppDeps } from './app.js';
export { startModelServer, type RunningModelServer } from './main.js';
export { errorAnswer, LLM_FAULT_KINDS, UNKNOWN_TOOL_NAME, type LlmFault, type LlmFaultKind } from './gateway/faults.js';
export type { FaultQuery, LlmFaultSource } from './gateway/source.js';
export { ANNOUNCE_TIMEOUT_MS, callOfRequest, plannedLlmFaults } from './gateway/planned.js';
export { OfflineChatModel, type OfflineChatModelOptions } from './offline/index.js';
export { LAB_EXTENSION_FIELD, UNHANDLED_KEY } from './unhandled.js';
export { createUpstream, type Upstream } from './upstream.js';
