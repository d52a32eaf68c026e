/**
 * Readiness by health checks, never by fixed sleeps: poll an HTTP endpoint until it answers as
 * healthy, a child dies, or a deadline passes (`STARTUP_TIMEOUT_MS`).
 *
 * A part that does not answer yet is still loading, not broken: on a busy machine ten Node processes
 * loading at once can take many seconds. So the deadline is a setting, the console says what is still
 * awaited while it waits, and the message at the deadline says what is known: no answer in time (raise
 * the setting, or read the part's own log lines), or the part exited (it failed).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { checkHealth, LabError } from '@chaos-lab/common';

/** Poll period of a readiness check, ms: a part is seen ready at most this long after it is. */
export const READY_POLL_MS = 50;

/** Options of {@link waitUntilHealthy}. */
export interface WaitOptions {
  /** Who is waited for, for the error message (e.g. `proxy-manager`). */
  readonly name: string;
  /** Give up after this long, ms (the launcher passes `STARTUP_TIMEOUT_MS`). */
  readonly timeoutMs: number;
  /** Poll period, ms (default {@link READY_POLL_MS}). */
  readonly intervalMs?: number;
  /** Per-request timeout, ms (default 1000; the last check may end up to this long after the deadline). */
  readonly requestTimeoutMs?: number;
  /** Rejects early when this settles, e.g. the child's exit; settles with why (`exited with code 1`). */
  readonly abandon?: Promise<string>;
  /** Stops waiting (rejects with the signal's reason), e.g. when another part failed. */
  readonly signal?: AbortSignal;
  /** Where the part's own log lines are, for the message (e.g. `logs/info.log`). */
  readonly logFile?: string;
}

/** Where to look for a part's own log lines, for messages. */
function logHint(name: string, logFile: string | undefined): string {
  return logFile ? `its own lines are in ${logFile} (search for "${name}")` : "its own lines are in the lab's log";
}

/**
 * Resolves once `GET url` answers 2xx.
 * @throws {LabError} `NOT_READY` naming the part, its URL and the last check: when `timeoutMs` passes
 *   (the message names `STARTUP_TIMEOUT_MS` and says the part may still be loading), or when `abandon`
 *   settles first (the part exited before it became healthy)
 * @throws the signal's reason when `signal` aborts
 */
export async function waitUntilHealthy(url: string, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? READY_POLL_MS;
  let last = 'no answer yet';
  let abandoned: string | undefined;
  void options.abandon?.then((why) => (abandoned = why));
  while (abandoned === undefined) {
    options.signal?.throwIfAborted();
    const check = await checkHealth(url, options.requestTimeoutMs ?? 1000);
    if (check.ok) return;
    last = check.body ? `${check.why}: ${check.body}` : check.why;
    if (abandoned !== undefined || Date.now() >= deadline) break;
    await delay(
      Math.min(intervalMs, Math.max(0, deadline - Date.now())),
      undefined,
      options.signal ? { signal: options.signal } : undefined,
    ).catch(() => undefined);
  }
  options.signal?.throwIfAborted();
  const hint = logHint(options.name, options.logFile);
  const message =
    abandoned !== undefined
      ? `${options.name} ${abandoned} before it became healthy at ${url} (last check: ${last}); ${hint}`
      : `${options.name} did not become healthy within STARTUP_TIMEOUT_MS=${options.timeoutMs} ms at ${url} (last check: ${last}); ` +
        `if it was still loading on a busy machine, raise STARTUP_TIMEOUT_MS; ${hint}`;
  throw new LabError('NOT_READY', message, { details: { name: options.name, url, last, exited: abandoned ?? null } });
}

/** A part the launcher waits for. */
export interface AwaitedPart {
  /** Its name on the console, e.g. `calculator`. */
  readonly name: string;
  /** Its health URL. */
  readonly url: string;
  /** Its child's exit (settles with why), when the launcher started it. */
  readonly exited?: Promise<string>;
}

/** Options of {@link waitUntilAllHealthy}. */
export interface WaitAllOptions {
  /** The deadline of every part, from the call, ms (`STARTUP_TIMEOUT_MS`). */
  readonly timeoutMs: number;
  /** Writes one console line. */
  readonly say: (line: string) => void;
  /** Period of the "waiting for …" line, ms (default 4000; the first comes after one period). */
  readonly progressEveryMs?: number;
  /** Called when a part is healthy, with the ms since the call. */
  readonly onHealthy?: (name: string, afterMs: number) => void;
  /** Where the parts' own log lines are, for messages. */
  readonly logFile?: string;
  /** Poll period, ms (default {@link READY_POLL_MS}). */
  readonly intervalMs?: number;
  /** Stops every check (rejects with the signal's reason), e.g. when the agent gave up first. */
  readonly signal?: AbortSignal;
}

/**
 * Waits until every part answers its health check. While some are still awaited, says every
 * `progressEveryMs` which, e.g. `waiting for calculator, proxy-manager (8 s)…`. The first part that
 * fails stops the others' checks.
 * @throws {LabError} `NOT_READY` of the first part that failed (see {@link waitUntilHealthy})
 */
export async function waitUntilAllHealthy(parts: readonly AwaitedPart[], options: WaitAllOptions): Promise<void> {
  const startedAt = Date.now();
  const pending = new Set(parts.map((p) => p.name));
  const everyMs = options.progressEveryMs ?? 4000;
  const progress = setInterval(() => {
    if (pending.size > 0)
      options.say(`waiting for ${[...pending].join(', ')} (${Math.round((Date.now() - startedAt) / 1000)} s)…`);
  }, everyMs);
  const giveUp = new AbortController();
  const onOuterAbort = () => giveUp.abort(options.signal?.reason);
  if (options.signal?.aborted) onOuterAbort();
  else options.signal?.addEventListener('abort', onOuterAbort, { once: true });
  try {
    await Promise.all(
      parts.map(async (part) => {
        try {
          await waitUntilHealthy(part.url, {
            name: part.name,
            timeoutMs: options.timeoutMs,
            abandon: part.exited,
            signal: giveUp.signal,
            logFile: options.logFile,
            intervalMs: options.intervalMs,
          });
        } catch (err) {
          giveUp.abort(err);
          throw err;
        }
        pending.delete(part.name);
        options.onHealthy?.(part.name, Date.now() - startedAt);
      }),
    );
  } finally {
    clearInterval(progress);
    options.signal?.removeEventListener('abort', onOuterAbort);
  }
}
