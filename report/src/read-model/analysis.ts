/**
 * Facts derived once from a run's rows and shared by every chart and the summary: times in seconds
 * since the run started, which proxy attempts ran while a toxic was on their proxy, and how each
 * logical tool call ended (retries, fallback).
 *
 *   tool_calls rows ──group by (prompt, prompt attempt, call_id)──▶ CallFact (attempts, fallback, result)
 *   tool_calls rows ──overlap with toxic fault_events on <service>_proxy──▶ AttemptFact.underToxic
 *
 * The overlap rule is the attribution views' (schema migration 3): an attempt spans
 * [start, start + duration], a fault [start, end).
 */
import { SERVICES } from '@chaos-lab/common';
import type { FaultEventRow, PromptRow, RunData, ToolCallRow } from './run-rows.js';
import { groupBy } from './stats.js';

/** One tool-call attempt, placed on the run's time axis. */
export interface AttemptFact extends ToolCallRow {
  /** Start, seconds since the run started. */
  readonly startS: number;
  /**
   * True when the attempt went through the proxy (or was seen at the service: an agent over HTTP is
   * handed the proxies only) and a toxic was on that service's proxy at some moment between the
   * attempt's start and end. Always false for direct (fallback) attempts, which bypass the proxy.
   */
  readonly underToxic: boolean;
  /** The type of the (first) toxic on the attempt's proxy during it; null when clean. */
  readonly toxicType: string | null;
}

/** How one logical tool call ended. */
export type CallResult =
  | 'answered through proxy'
  | 'answered by fallback'
  | 'failed after fallback'
  | 'failed, no fallback'
  | 'answered, seen at the service'
  | 'no answer, seen at the service';

/** Every {@link CallResult}, in legend order. */
export const CALL_RESULTS: readonly CallResult[] = [
  'answered through proxy',
  'answered by fallback',
  'failed after fallback',
  'failed, no fallback',
  'answered, seen at the service',
  'no answer, seen at the service',
];

/** One logical tool call: its proxy attempts and its fallback, if any. */
export interface CallFact {
  readonly callId: string;
  readonly promptIndex: number;
  readonly tool: string;
  readonly service: string;
  /** Attempts through the proxy (1 = no retry); for a call seen at a service (an agent over HTTP), its requests. */
  readonly proxyAttempts: number;
  /** True when a direct fallback call was made. */
  readonly fallback: boolean;
  /** True when an attempt, through the proxy or direct, got an answer. */
  readonly answered: boolean;
  readonly result: CallResult;
}

/** One fault event (a toxic, a service down…), placed on the run's time axis. */
export interface FaultFact extends FaultEventRow {
  /** The registry service it hits (`weather_proxy` → `weather`). */
  readonly service: string;
  /** The proxy whose row shows it: the fault's proxy, else its service's (`<service>_proxy`). */
  readonly row: string;
  /** Seconds since the run started. */
  readonly startS: number;
  /** Seconds since the run started; the end of the run for a toxic still open. */
  readonly endS: number;
  /** True when the event was never closed. */
  readonly open: boolean;
}

/** A run's rows with the derived facts. */
export interface RunAnalysis {
  readonly data: RunData;
  /** The run's start, ms since the epoch: time zero of every time axis. */
  readonly startMs: number;
  /** The end of the time axes: the run's finish, or its last recorded event when later or unfinished, ms since the epoch. */
  readonly endMs: number;
  /** `endMs - startMs` in seconds: the span the charts draw, not the run's duration. */
  readonly durationS: number;
  /** The run's own duration, `runs.started_at` → `runs.finished_at`, seconds; null while it has not finished. */
  readonly runDurationS: number | null;
  /** Width of the time buckets of the over-time charts, seconds. */
  readonly bucketS: number;
  readonly prompts: readonly PromptRow[];
  /** Ordered by start time. */
  readonly attempts: readonly AttemptFact[];
  /** Ordered by the start of their first attempt. */
  readonly calls: readonly CallFact[];
  /** Every fault event, ordered by start time. */
  readonly faults: readonly FaultFact[];
  /** The faults of kind `toxic`, ordered by start time. */
  readonly toxics: readonly FaultFact[];
}

/** Bucket widths the over-time charts choose from, seconds: "nice" steps a reader can add up. */
const BUCKET_STEPS_S = [0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 86400];

/** At most this many buckets across a run: enough to see change, few enough that each holds data. */
const MAX_BUCKETS = 40;

/**
 * The bucket width for a run of the given length: the smallest nice step giving at most
 * {@link MAX_BUCKETS} buckets.
 * @param durationS run length, seconds
 * @returns bucket width, seconds
 */
export function chooseBucketS(durationS: number): number {
  return BUCKET_STEPS_S.find((step) => durationS / step <= MAX_BUCKETS) ?? BUCKET_STEPS_S[BUCKET_STEPS_S.length - 1]!;
}

/** The registry service behind a proxy name; the name without `_proxy` for a proxy the registry does not know. */
export function serviceOfProxy(proxy: string): string {
  return SERVICES.find((s) => s.proxyName === proxy)?.name ?? proxy.replace(/_proxy$/, '');
}

/** True when [aStart, aEnd] and [bStart, bEnd) share a moment; a zero-length interval counts as one instant. */
function overlaps(aStart: number, aEnd: number, bStart: number, bEnd: number): boolean {
  return aStart < bEnd && bStart <= Math.max(aEnd, aStart);
}

/** One logical tool call's fact from its attempts (all of one prompt attempt and call id). */
function callFact(attempts: readonly ToolCallRow[]): CallFact {
  const first = attempts[0]!;
  const fallback = attempts.some((a) => a.via === 'direct');
  const answered = attempts.some((a) => a.outcome === 'ok');
  let result: CallResult;
  if (first.via === 'service') result = answered ? 'answered, seen at the service' : 'no answer, seen at the service';
  else if (answered)
    result = attempts.some((a) => a.via === 'proxy' && a.outcome === 'ok')
      ? 'answered through proxy'
      : 'answered by fallback';
  else result = fallback ? 'failed after fallback' : 'failed, no fallback';
  return {
    callId: first.callId,
    promptIndex: first.promptIndex,
    tool: first.tool,
    service: first.service,
    proxyAttempts: attempts.filter((a) => a.via !== 'direct').length,
    fallback,
    answered,
    result,
  };
}

/**
 * Derives the shared facts of a run.
 * @param data the run's rows (see `loadRunData`)
 * @returns the analysis; never throws, an empty run gives empty lists
 */
export function analyzeRun(data: RunData): RunAnalysis {
  const { run, prompts, toolCalls, faultEvents } = data;
  const startMs = run.startedAt;
  // A loop, not Math.max(...rows): a long run's rows would overflow the argument list.
  let endMs = Math.max(startMs, run.finishedAt ?? startMs);
  for (const p of prompts) endMs = Math.max(endMs, p.finishedAt);
  for (const c of toolCalls) endMs = Math.max(endMs, c.startedAt + c.durationMs);
  for (const t of faultEvents) endMs = Math.max(endMs, t.endedAt ?? t.startedAt);
  const seconds = (ms: number) => (ms - startMs) / 1000;

  const faults: FaultFact[] = faultEvents.map((f) => {
    const service = f.service ?? serviceOfProxy(f.proxy ?? '');
    return {
      ...f,
      service,
      row: f.proxy ?? `${service}_proxy`,
      startS: seconds(f.startedAt),
      endS: seconds(f.endedAt ?? endMs),
      open: f.endedAt === null,
    };
  });
  const toxics = faults.filter((f) => f.kind === 'toxic');

  const toxicsByProxy = groupBy(toxics, (t) => t.row);
  const attempts: AttemptFact[] = toolCalls.map((c) => {
    const toxic =
      c.via !== 'direct'
        ? (toxicsByProxy.get(`${c.service}_proxy`) ?? []).find((t) =>
            overlaps(c.startedAt, c.startedAt + c.durationMs, t.startedAt, t.endedAt ?? Infinity),
          )
        : undefined;
    return { ...c, startS: seconds(c.startedAt), underToxic: toxic !== undefined, toxicType: toxic?.type ?? null };
  });

  // call_id alone may repeat across prompts (a model may number its calls per conversation).
  const groups = groupBy(toolCalls, (c) => JSON.stringify([c.promptIndex, c.promptAttempt, c.callId]));
  const calls = [...groups.values()].map(callFact);

  const durationS = seconds(endMs);
  const runDurationS = run.finishedAt === null ? null : seconds(run.finishedAt);
  return {
    data,
    startMs,
    endMs,
    durationS,
    runDurationS,
    bucketS: chooseBucketS(durationS),
    prompts,
    attempts,
    calls,
    faults,
    toxics,
  };
}

/** One time bucket of the over-time charts, seconds since the run started. */
export interface Bucket {
  readonly index: number;
  readonly startS: number;
  readonly endS: number;
}

/** How many `bucketS` wide buckets cover the whole run (at least one). */
function bucketCount(analysis: RunAnalysis): number {
  return Math.max(1, Math.ceil(analysis.durationS / analysis.bucketS));
}

/** The run's time buckets, `bucketS` wide, covering the whole run (at least one). */
export function timeBuckets(analysis: RunAnalysis): Bucket[] {
  return Array.from({ length: bucketCount(analysis) }, (_, index) => ({
    index,
    startS: index * analysis.bucketS,
    endS: (index + 1) * analysis.bucketS,
  }));
}

/** The index of the bucket holding a moment (seconds since the run started), clamped to the run. */
export function bucketIndex(analysis: RunAnalysis, s: number): number {
  return Math.min(bucketCount(analysis) - 1, Math.max(0, Math.floor(s / analysis.bucketS)));
}
