/**
 * @chaos-lab/agent: the LangChain tool-calling agent that runs prompts.json under chaos
 * (docs/architecture.md). The launcher and the `chaos-lab agent` command call {@link runAgent} (main.ts).
 */
export { runAgent, type RunAgentOptions, type RunStart } from './main.js';
export { loadPrompts, parsePrompts, type Prompt } from './prompts/prompts-file.js';
export { formatSummary, type RunSummary } from './records/summary.js';
export { OFFLINE_MODEL_LABEL, resolveProvider, type ProviderChoice } from './model/choose-model.js';
export type { PromptErrorType, RunStatus } from './records/records.js';
export { TOOL_SPECS, type ToolSpec } from './tool-calls/tool-specs.js';
export { startAgentMetricsServer } from './records/metrics.js';
