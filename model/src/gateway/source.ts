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
  /** The run (`X-Chaos-Run`), when the client said. */
  readonly runId?: string;
  /** The prompt the call is made for (`X-Chaos-Prompt`, 0-based as prompt_results.prompt_index), when the client said. */
  readonly promptIndex?: number;
  /** `X-Request-Id` (the agent's `<model call id>#<attempt>`), or one the gateway made up. */
  readonly requestId: string;
}

/** The fault to inject into a request, or undefined. May wait (an announcement to the schedule); never rejects. */
export type LlmFaultSource = (query: FaultQuery) => LlmFault | undefined | Promise<LlmFault | undefined>;
