/**
 * Duplicate side effects as the services see them: the same write (the same tool, the same effective
 * arguments: each service's rule, e.g. `tools/src/services/message/mailbox.ts`) taking effect more than
 * once for one prompt of a run, whatever idempotency key or logical call produced the copies. So the
 * tool call's own retries, the prompt's retries (`PROMPT_LIMIT`) and an agent's own retries (an agent
 * over HTTP) all count, and the count is what the service's store holds twice: two identical messages
 * in the inbox are one duplicate. The writes are read from each service's `GET /writes` at the end of
 * the run (lab-launch.ts).
 *
 * A write is tied to its run and prompt by its request ids: the `X-Request-Id` (the lab's agent sends
 * `<run>/p<index>/a<attempt>/c<call>#<attempt>`; an agent over HTTP the prompt's `requestIdPrefix`,
 * `<run>/p<index>/a<attempt>/`) or else its idempotency key when it starts the same way (the lab's
 * `per-write` keys: `<run>/p<index>/w<hash>`). A write with neither, and no id of another run, is tied
 * by time to the one prompt of the run that was in flight when it took effect (none, or several at
 * once with `AGENT_CONCURRENCY` > 1: it is left out). Two prompts writing the same thing are not
 * duplicates of each other.
 */
import type { Database } from '@chaos-lab/common';

/** A write that took effect at a service, as its `GET /writes` lists it. */
export interface ServiceWrite {
  readonly service: string;
  /** The write, e.g. `POST /messages`. */
  readonly scope: string;
  /** Its idempotency key (`request_id`), null when the request had none. */
  readonly requestId: string | null;
  /** The request's `X-Request-Id`, null when it had none. */
  readonly xRequestId: string | null;
  /** What was written: the tool and its effective arguments, by the service's rule. */
  readonly identity: string;
  /** The record it made at the service (`msg_5`, `evt_2`), null when none. */
  readonly record: string | null;
  /** When it took effect, ms since the epoch (the service's clock). */
  readonly writtenAt: number;
}

/** The writes whose duplicates count, with their tool: add_event and send_message. */
export const COUNTED_WRITES: Readonly<Record<string, string>> = {
  'POST /events': 'add_event',
  'POST /messages': 'send_message',
};

/** One write that took effect more than once for one prompt. */
export interface DuplicateWrite {
  readonly promptIndex: number;
  readonly service: string;
  readonly tool: string;
  /** The records it made, in the order they were written (two or more). */
  readonly records: readonly (string | null)[];
  /** How the copies were tied to the prompt: `request_id` when every copy carried the run's prefix, else `time`. */
  readonly tiedBy: 'request_id' | 'time';
}

/** A prompt's window: from its first attempt's start to its result, ms since the epoch. */
interface PromptWindow {
  readonly index: number;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** Any run's prefix `<run>/p<index>/` at the start of a request id. */
const RUN_PREFIX = /^([^/]+)\/p(\d+)\//;

/** The prompt a write belongs to in `runId`, and how it was told; undefined when it is not this run's. */
function promptOf(
  write: ServiceWrite,
  runId: string,
  windows: readonly PromptWindow[],
): { index: number; by: 'request_id' | 'time' } | undefined {
  let otherRun = false;
  for (const id of [write.xRequestId, write.requestId]) {
    const m = id === null ? null : RUN_PREFIX.exec(id);
    if (m === null) continue;
    if (m[1] === runId) return { index: Number(m[2]), by: 'request_id' };
    otherRun = true;
  }
  if (otherRun) return undefined;
  const during = windows.filter((w) => w.startedAt <= write.writtenAt && write.writtenAt <= w.finishedAt);
  return during.length === 1 ? { index: during[0]!.index, by: 'time' } : undefined;
}

/**
 * The writes of a run that took effect more than once for the same prompt.
 * @param db the lab's database (the run's `prompt_results`, for the time windows)
 * @param runId the run
 * @param writes the services' writes read at the end of the run
 * @returns one entry per prompt and write written twice or more, by prompt then first record
 */
export function duplicateWrites(db: Database, runId: string, writes: readonly ServiceWrite[]): DuplicateWrite[] {
  const windows = db
    .prepare(
      'SELECT prompt_index AS "index", started_at AS startedAt, finished_at AS finishedAt FROM prompt_results WHERE run_id = ?',
    )
    .all(runId) as PromptWindow[];
  const groups = new Map<
    string,
    { promptIndex: number; service: string; tool: string; records: (string | null)[]; byTime: boolean }
  >();
  for (const w of writes) {
    const tool = COUNTED_WRITES[w.scope];
    if (tool === undefined) continue;
    const prompt = promptOf(w, runId, windows);
    if (prompt === undefined) continue;
    const key = JSON.stringify([prompt.index, w.service, w.identity]);
    const group = groups.get(key) ?? {
      promptIndex: prompt.index,
      service: w.service,
      tool,
      records: [],
      byTime: false,
    };
    group.records.push(w.record);
    group.byTime ||= prompt.by === 'time';
    groups.set(key, group);
  }
  return [...groups.values()]
    .filter((g) => g.records.length > 1)
    .sort((a, b) => a.promptIndex - b.promptIndex)
    .map((g) => ({
      promptIndex: g.promptIndex,
      service: g.service,
      tool: g.tool,
      records: g.records,
      tiedBy: g.byTime ? 'time' : 'request_id',
    }));
}

/**
 * Counts duplicate side effects: for each prompt and each write (tool and effective arguments), the
 * copies that took effect beyond the first (see the file's docstring).
 */
export function duplicateSideEffects(db: Database, runId: string, writes: readonly ServiceWrite[]): number {
  return duplicateWrites(db, runId, writes).reduce((n, d) => n + d.records.length - 1, 0);
}
