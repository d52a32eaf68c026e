/**
 * The seam between the gateway and whoever decides its faults: the gateway asks an
 * {@link LlmFaultSource} once per request and never decides on its own. In a lab the source is the
 * proxy-manager's one fault schedule (`planned.ts`); tests give their own.
 */
import type { LlmFault } from './faults.js';

/** What the gateway knows of a request when it asks for a fault. */
export interface FaultQuery {
  /** The request's number among those of its run the gateway has seen (1 = the first; retries count). */
  readonly callNumber: number;
  /** The run, when the client said (request-scope.ts: the `X-Request-Id` prefix, or `X-Chaos-Run`). */
  readonly runId?: string;
  /** The prompt the call is made for (0-based as prompt_results.prompt_index), when the client said. */
  readonly promptIndex?: number;
  /** `X-Request-Id` (e.g. `<model call id>#<attempt>`, `<run>/p<i>/a<n>/m1#1`), or the gateway's own `model-<uuid>`. */
  readonly requestId: string;
}

/** The fault to inject into a request, or undefined. May wait (an announcement to the schedule); never rejects. */
export type LlmFaultSource = (query: FaultQuery) => LlmFault | undefined | Promise<LlmFault | undefined>;
