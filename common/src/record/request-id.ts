/**
 * The request id of the agent-under-test contract (docs/your-agent.md): every tool and model request
 * an agent makes for a prompt attempt carries `X-Request-Id: <run>/p<index>/a<attempt>/<its own part>`,
 * so the lab ties it to that attempt for certain. The lab hands the prefix to the agent (`requestIdPrefix`
 * of the prompt); the model gateway reads it back to announce the request under its prompt; the agent
 * claims the services' records by it.
 *
 *   requestIdPrefix('run-1', 2, 1)              → 'run-1/p2/a1/'
 *   promptAttemptOfRequestId('run-1/p2/a1/m3#2') → { runId: 'run-1', promptIndex: 2, promptAttempt: 1 }
 *   callOfRequest('run-1/p2/a1/m3#2')            → { callId: 'run-1/p2/a1/m3', attempt: 2 }
 */

/** The prompt attempt a request id names. */
export interface RequestIdAttempt {
  readonly runId: string;
  /** 0-based, as `prompt_results.prompt_index`. */
  readonly promptIndex: number;
  /** 1-based, as `model_calls.prompt_attempt`. */
  readonly promptAttempt: number;
}

/**
 * The `X-Request-Id` prefix of a prompt attempt.
 * @param runId the run
 * @param promptIndex 0-based
 * @param promptAttempt 1-based
 * @returns `<run>/p<index>/a<attempt>/`
 */
export function requestIdPrefix(runId: string, promptIndex: number, promptAttempt: number): string {
  return `${runId}/p${promptIndex}/a${promptAttempt}/`;
}

// The shortest run that makes a prefix: a run id never holds `/p<n>/a<n>/` itself.
const PREFIX = /^(.+?)\/p(\d+)\/a(\d+)\//;

/**
 * Reads the prompt attempt off a request id that starts with a {@link requestIdPrefix}.
 * @param requestId an `X-Request-Id` value
 * @returns the run, prompt and attempt; undefined when the id has no such prefix (or an attempt of 0)
 */
export function promptAttemptOfRequestId(requestId: string): RequestIdAttempt | undefined {
  const m = PREFIX.exec(requestId);
  if (!m) return undefined;
  const promptIndex = Number(m[2]);
  const promptAttempt = Number(m[3]);
  if (!Number.isSafeInteger(promptIndex) || !Number.isSafeInteger(promptAttempt) || promptAttempt < 1) return undefined;
  return { runId: m[1]!, promptIndex, promptAttempt };
}

/**
 * The call id and attempt of a request id, as the fault schedule counts them (`POST /calls`).
 * @param requestId an `X-Request-Id` value: `<call>#<n>` as the lab's agent and the agent-under-test
 *   contract send it
 * @returns the call and its 1-based attempt; another id (or `#0`) is the whole id as a call of one attempt
 */
export function callOfRequest(requestId: string): { callId: string; attempt: number } {
  const m = /^(.+)#(\d+)$/.exec(requestId);
  return m && Number(m[2]) >= 1 ? { callId: m[1]!, attempt: Number(m[2]) } : { callId: requestId, attempt: 1 };
}

/**
 * The header of a tool request whose attempt its sender announced to the fault schedule itself (the
 * lab's own agent, whose tools announce every attempt; the MCP endpoint, for a tool call's inner
 * request): the tool services announce only an agent under test's requests, and never one twice.
 */
export const ANNOUNCED_HEADER = 'x-chaos-announced';
