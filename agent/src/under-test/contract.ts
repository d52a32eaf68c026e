/**
 * The contract between the lab and an agent under test (docs/your-agent.md): what the lab
 * hands the agent, and what the agent answers per prompt. The same shapes serve both ways in:
 *
 * - a module (`AGENT_MODULE=./my-agent.js`): its default export (or named export `createAgent`) is an
 *   {@link AgentFactory}; the lab calls it once per run and invokes the {@link AgentUnderTest} it
 *   returns once per prompt attempt;
 * - a process over HTTP (`AGENT_URL`, started by `AGENT_COMMAND` or already running): the lab POSTs an
 *   {@link AgentPrompt} as JSON to `AGENT_URL/prompt` and reads an {@link AgentReply} (HTTP 200); it
 *   reads the rest of {@link LabHandoff} from the JSON file named by `CHAOS_LAB_HANDOFF_FILE`.
 *
 * Import the types in TypeScript: `import type { AgentFactory } from '@chaos-lab/agent/under-test'`.
 */
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { StructuredToolInterface } from '@langchain/core/tools';

/** One tool as a plain HTTP call through its proxy: enough for an agent in any language to make it. */
export interface LabTool {
  /** The tool's name, as the lab's prompts expect it (`get_weather`). */
  readonly name: string;
  readonly description: string;
  /** The arguments as JSON Schema (draft 2020-12), for a model's `tools` list. */
  readonly parameters: Record<string, unknown>;
  /** The tool service that answers it (`weather`). */
  readonly service: string;
  /** The service's base URL through its proxy (`http://127.0.0.1:6001`): calls here meet the lab's faults. */
  readonly url: string;
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** The path on the service (`/weather`). */
  readonly path: string;
  /** Query parameters: HTTP name → argument name (`{ city: "city" }`). */
  readonly query: Readonly<Record<string, string>>;
  /** JSON body fields: HTTP name → argument name (empty for a request without a body). */
  readonly body: Readonly<Record<string, string>>;
  /**
   * For a tool that writes: the query or body field (`request_id`) that carries an idempotency key.
   * Send one key per logical call and the same key on its retries, so a retry has no second effect.
   * For a key that also survives a retry of the prompt (the lab's `IDEMPOTENCY_KEYS=per-write`), derive
   * it from what is written rather than from the call: e.g. `<runId>/p<index>/w` + a SHA-256 hex of the
   * tool's name and its arguments as JSON with sorted keys (at most 200 characters). The same write in a
   * later attempt of the prompt then sends the same key, and the service answers it without writing
   * again; the lab counts every copy a service stores for one prompt as a duplicate side effect
   * (docs/experiments.md, "Duplicate side effects").
   */
  readonly requestId?: { readonly field: string; readonly in: 'query' | 'body' };
}

/** What the lab hands every agent under test (and writes, as JSON, to `CHAOS_LAB_HANDOFF_FILE`). */
export interface LabHandoff {
  readonly runId: string;
  /** The model: an OpenAI-compatible base URL (`…/v1`, through model_proxy) and the model name to ask for. */
  readonly model: { readonly baseUrl: string; readonly name: string };
  /** Each tool service's base URL through its proxy, by service name. */
  readonly proxies: Readonly<Record<string, string>>;
  readonly tools: readonly LabTool[];
  /** Today's date as the run sees it (YYYY-MM-DD, UTC): the lab's prompts say "tomorrow". */
  readonly today: string;
  /** `PROMPT_TIMEOUT_MS`: how long one prompt attempt may take before the lab gives up on it, ms. */
  readonly promptTimeoutMs: number;
}

/** What a module's factory gets: the lab's own LangChain model and tools, and the plain handoff. */
export interface AgentFactoryInput {
  /**
   * The chat model the lab's own agent would use (LangChain). Its requests are recorded in
   * `model_calls` with the prompt they belong to; use it with `bindTools`, or call the URL yourself.
   */
  readonly model: BaseChatModel;
  /**
   * The lab's tools as LangChain tools bound to the proxies: retries, fallback, idempotency keys and
   * records (`tool_calls`, `logical_calls`) as for the lab's own agent. Call them inside
   * {@link AgentUnderTest.invoke} only: the lab knows which prompt a call belongs to from there.
   */
  readonly tools: readonly StructuredToolInterface[];
  /** The plain URLs and settings, as an agent over HTTP gets them. */
  readonly lab: LabHandoff;
}

/** One prompt attempt, as the lab sends it (to a module's `invoke`, or as the JSON body of `POST /prompt`). */
export interface AgentPrompt {
  /** The prompt's `id` in the prompts file, else its index as text. */
  readonly id: string;
  /** 0-based position in the prompts file (`prompt_results.prompt_index`). */
  readonly index: number;
  /** 1-based attempt of this prompt (`PROMPT_LIMIT` allows retries). */
  readonly attempt: number;
  readonly prompt: string;
  /**
   * Start each tool call's `X-Request-Id` with this (`<run>/p<index>/a<attempt>/`), and the lab ties
   * the services' records of it to this prompt for certain, instead of by the time it arrived.
   */
  readonly requestIdPrefix: string;
}

/** The agent's answer to one prompt attempt (the JSON body of a 200 answer to `POST /prompt`). */
export interface AgentReply {
  /** The final answer, null when there is none (the attempt then fails). */
  readonly answer: string | null;
  /**
   * Set (one line: why) when the agent could not handle the prompt: the prompt's status is then
   * `unhandled`, unless its expectation asks for a refusal.
   */
  readonly unhandled?: string;
}

/** What the factory returns: invoked once per prompt attempt, one at a time unless `AGENT_CONCURRENCY` > 1. */
export interface AgentUnderTest {
  /**
   * Answers one prompt attempt.
   * @param prompt the prompt and where it stands in the run
   * @param options `signal` fires at the attempt's deadline (`PROMPT_TIMEOUT_MS`) or the run's
   *   interruption: stop then
   * @returns the reply, or just the answer's text; a throw fails the attempt (error type `agent`)
   */
  invoke(prompt: AgentPrompt, options: { signal: AbortSignal }): Promise<AgentReply | string>;
  /** Called once after the run, if present. */
  close?(): Promise<void> | void;
}

/** The module's export: builds the agent once per run. */
export type AgentFactory = (input: AgentFactoryInput) => AgentUnderTest | Promise<AgentUnderTest>;
