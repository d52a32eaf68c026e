/**
 * An announced attempt as the fault schedule takes it (`POST /calls`, `http/announce-route.ts`), the
 * steps of its way to the acknowledgement, and the target its tool belongs to.
 */
import {
  MODEL_CALLS,
  MODEL_PART,
  serviceForTool,
  TOOL_NAMES,
  type FaultTarget,
  type ToolName,
} from '@chaos-lab/common';

/**
 * A tool call attempt announced by the agent before its first byte is sent, or (with `ended`) the
 * report of its end.
 */
export interface Announcement {
  readonly runId: string;
  /** 0-based. */
  readonly promptIndex: number;
  readonly tool: string;
  readonly callId: string;
  /** 1-based. */
  readonly attempt: number;
  /**
   * How long the announcer agrees to be held before the acknowledgement, ms; an announcer that sets it
   * reports each attempt's end (`ended`). Absent or 0: never held, ends not reported.
   */
  readonly holdMaxMs?: number;
  /** Present on the report of the attempt's end (answered at once). */
  readonly ended?: { readonly sent: boolean; readonly more: boolean };
}

/** One step of an announcement: acknowledged with the faults in place, or to wait for `until` first. */
export type AnnounceStep =
  | { readonly kind: 'ack'; readonly faults: string[] }
  | { readonly kind: 'wait'; readonly until: Promise<void>; readonly heldBy: string };

/** An announcement on its way: whether it was counted, whether its holds are over, its waits. */
export interface AnnounceProgress {
  counted: boolean;
  overdue: boolean;
  heldMs: number;
  heldBy: string | undefined;
}

/** The target an announced tool belongs to: a tool's service, the model for `model`, undefined for a name that is neither. */
export function serviceOfTool(tool: string): FaultTarget | undefined {
  if (tool === MODEL_CALLS) return MODEL_PART.name;
  return (TOOL_NAMES as readonly string[]).includes(tool) ? serviceForTool(tool as ToolName).name : undefined;
}
