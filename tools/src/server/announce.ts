/**
 * Announcing the tool calls of an agent under test (docs/your-agent.md) to the proxy-manager's fault
 * schedule, so the planned faults whose triggers count announced attempts (`call`, `first_attempts`,
 * `prompt`, `random` with a `tool`) reach an agent that knows nothing of the schedule:
 *
 *   request with X-Request-Id <run>/p<i>/a<k>/<call>#<n>, to a route of one of the service's tools
 *     ─▶ POST <PROXY_MANAGER_URL>/calls { runId, promptIndex, tool, callId: <run>/p<i>/a<k>/<call>, attempt: n, holdMaxMs }
 *     ─▶ the schedule fires (or holds, or ends) its faults, then acknowledges
 *     ─▶ the request is handled (a planned http_error is read now) and answered
 *     ─▶ once the answer is finished: POST /calls { …, ended: { sent: true, more } }
 *
 * A fault fired for the attempt is in place before the service writes its answer, so a planned HTTP
 * error or a downstream toxic acting on the bytes as they pass (`reset_peer`, `limit_data`) lands on
 * that answer; an upstream toxic reaches only the bytes after the request (it has crossed the proxy
 * already). The service sees the attempt end when its answer is written, before the answer has crossed
 * the proxy: a toxic that holds the bytes (`latency`, `timeout`, …) is removed then, and lets them go. The service cannot tell whether the agent will retry:
 * `more` is true when its answer is an error an agent retries (429, 5xx) or was cut off.
 *
 * An MCP `tools/call` (mcp/endpoint.ts) is announced the same way by the endpoint, its end being the
 * MCP answer's; its inner request to the tool's route is marked {@link ANNOUNCED_HEADER} and not
 * announced again.
 *
 * The lab's own agent announces its attempts itself (agent/src/tool-calls/fault-hook.ts) and marks
 * them {@link ANNOUNCED_HEADER} (its ids carry the prompt prefix too): they are not announced here, nor
 * is a request without the prefix, so no attempt is announced twice. A manager that does not answer within
 * {@link ANNOUNCE_TIMEOUT_MS} (plus the hold) is logged once and the request goes ahead unfaulted.
 */
import type { RequestHandler, Response } from 'express';
import {
  ANNOUNCED_HEADER,
  announcementPoster,
  callOfRequest,
  promptAttemptOfRequestId,
  type DeclaredTool,
  type Logger,
} from '@chaos-lab/common';

/** How long a request waits for the manager's acknowledgement, ms, besides a hold (as the lab's agent waits). */
export const ANNOUNCE_TIMEOUT_MS = 5000;

/** The longest the manager may hold a request while another attempt's fault is in place on the service, ms (as the lab's agent allows). */
export const ANNOUNCE_HOLD_MAX_MS = 60_000;

/**
 * The tool a request to a service calls: the one whose `http` mapping (lab-file/http-mapping.ts) has
 * the request's method and path.
 * @param tools the service's declared tools (`builtinDeclaredTools(service)`)
 * @param method the request's HTTP method, e.g. `GET`
 * @param path the request's path without query, e.g. `/weather`
 * @returns the tool's name, e.g. `get_weather`; undefined when no tool maps to it (`/health`, `/writes`)
 */
export function toolOfRoute(tools: readonly DeclaredTool[], method: string, path: string): string | undefined {
  return tools.find((t) => t.http.method === method && t.http.path === path)?.name;
}

/**
 * Announces one request of an agent under test, when its id names a prompt attempt, and reports its
 * end once `res` closes. Resolves once the manager acknowledged (or was given up on); never rejects.
 * @param requestId the request's `X-Request-Id` (undefined, or without the prompt prefix: nothing is announced)
 * @param tool the tool the request calls, e.g. `get_weather`
 * @param res the response whose end is the attempt's end
 */
export type AnnounceAttempt = (requestId: string | undefined, tool: string, res: Response) => Promise<void>;

/**
 * The announcer of a service.
 * @param managerUrl the proxy-manager's HTTP API (`PROXY_MANAGER_URL`), e.g. `http://127.0.0.1:8000`
 * @param logger the service's logger (one warning when the manager does not answer)
 */
export function attemptAnnouncer(managerUrl: string, logger: Logger): AnnounceAttempt {
  const post = announcementPoster(
    managerUrl,
    logger,
    'the proxy-manager did not acknowledge a tool call of the agent under test: requests go ahead without the planned faults that count calls',
  );
  return async (requestId, tool, res) => {
    const prompt = requestId === undefined ? undefined : promptAttemptOfRequestId(requestId);
    if (!prompt) return;
    const attempt = { runId: prompt.runId, promptIndex: prompt.promptIndex, tool, ...callOfRequest(requestId!) };
    await post({ ...attempt, holdMaxMs: ANNOUNCE_HOLD_MAX_MS }, ANNOUNCE_TIMEOUT_MS + ANNOUNCE_HOLD_MAX_MS);
    res.once('close', () => {
      const more = !res.writableFinished || res.statusCode === 429 || res.statusCode >= 500;
      void post({ ...attempt, ended: { sent: true, more } }, ANNOUNCE_TIMEOUT_MS);
    });
  };
}

/**
 * The middleware that announces each request of an agent under test to one of the service's tools
 * (not the inner request of an MCP tool call: the endpoint announced its outer request).
 * @param announce the service's {@link attemptAnnouncer}
 * @param tools the service's declared tools, whose routes are announced
 * @returns an Express middleware; it never fails a request
 */
export function announceAgentRequests(announce: AnnounceAttempt, tools: readonly DeclaredTool[]): RequestHandler {
  return async (req, res, next) => {
    const tool = req.get(ANNOUNCED_HEADER) ? undefined : toolOfRoute(tools, req.method, req.path);
    if (tool) await announce(req.get('x-request-id'), tool, res);
    next();
  };
}
