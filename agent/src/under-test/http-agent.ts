/**
 * `AGENT_URL`: an agent in any language, over HTTP. Per prompt attempt:
 *
 *   POST AGENT_URL/prompt  {id, index, attempt, prompt, requestIdPrefix}   (JSON, AgentPrompt)
 *     ◀─ 200 {answer, unhandled?}                                        (AgentReply)
 *     ◀─ any other status: the attempt failed (error type agent), with the body's "error" if any
 *   ─▶ the services' records of the attempt (service-calls.ts) ─▶ calls for the verdict
 *
 * The lab cannot see inside the agent: its tool calls are what the tool services received, its model
 * calls what the model server received, both from `service_requests`. A request that fails without an
 * answer (refused, reset) is told to the agent's liveness watch (agent-liveness.ts), which decides
 * whether the agent is gone, before the attempt fails.
 */
import type { Database } from '@chaos-lab/common';
import type { InvokableAgent } from '../prompts/prompt-runner.js';
import type { Prompt } from '../prompts/prompts-file.js';
import type { AgentLiveness } from './agent-liveness.js';
import type { AgentPrompt } from './contract.js';
import { checkReply, promptId, replyMessages, requestIdPrefix } from './reply.js';
import { seenCalls } from './service-calls.js';
import type { LabSurface } from './surface.js';

/** What the HTTP agent's adapter needs. */
export interface HttpAgentDeps {
  /** `AGENT_URL`, without a trailing slash. */
  readonly url: string;
  readonly runId: string;
  readonly prompts: readonly Prompt[];
  readonly db: Database;
  readonly surface: LabSurface;
  /** True when the services record their requests (`SERVICE_REQUESTS`). */
  readonly recording: boolean;
  /** Clock, ms since the epoch. */
  readonly now: () => number;
  /** The run's watch on the agent being there. */
  readonly liveness: AgentLiveness;
}

/** The body's `error` (or its first 300 characters) of a failed answer. */
async function failureText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    if (typeof error === 'string') return error;
  } catch {
    // Not JSON: the text itself.
  }
  return text.slice(0, 300);
}

/**
 * The agent over HTTP, as the prompt runner invokes it.
 * @param deps see {@link HttpAgentDeps}
 * @returns an agent whose `invoke` POSTs the prompt and returns the answer, with the calls the services
 *   saw pushed into the attempt's `calls` and the expected calls they cannot show as `unchecked`
 */
export function httpAgent(deps: HttpAgentDeps): InvokableAgent {
  const byIndex = new Map(deps.prompts.map((p) => [p.index, p]));
  return {
    async invoke(_input, { signal, context }) {
      const prompt = byIndex.get(context.promptIndex)!;
      const asked: AgentPrompt = {
        id: promptId(prompt),
        index: prompt.index,
        attempt: context.promptAttempt,
        prompt: prompt.prompt,
        requestIdPrefix: requestIdPrefix(deps.runId, prompt.index, context.promptAttempt),
      };
      const from = deps.now();
      const read = async () => {
        const seen = await seenCalls(
          deps.db,
          {
            runId: deps.runId,
            promptIndex: prompt.index,
            promptAttempt: context.promptAttempt,
            prefix: asked.requestIdPrefix,
            from,
            to: deps.now(),
          },
          deps.surface,
          prompt.expect,
          deps.recording,
        );
        context.calls?.push(...seen.calls);
        return seen;
      };
      let response: Response;
      deps.liveness.inFlight = prompt.index;
      try {
        response = await fetch(`${deps.url}/prompt`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(asked),
          signal,
        }).catch(async (err: unknown) => {
          // No answer at all: is the agent still there? (Gone, the run stops before this attempt fails.)
          if (!signal.aborted) await deps.liveness.requestFailed(err);
          throw err;
        });
        if (response.status !== 200)
          throw new Error(`POST ${deps.url}/prompt answered HTTP ${response.status}: ${await failureText(response)}`);
        const reply = checkReply(await response.json().catch(() => undefined), `POST ${deps.url}/prompt`);
        const seen = await read();
        return { messages: replyMessages(reply), ...(seen.unchecked && { unchecked: seen.unchecked }) };
      } catch (err) {
        // The attempt failed, but what reached the services during it is still its record.
        await read();
        throw err;
      } finally {
        deps.liveness.inFlight = undefined;
      }
    },
  };
}
