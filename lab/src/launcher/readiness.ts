/**
 * Readiness by health checks, never by fixed sleeps: poll an HTTP endpoint until it answers as
 * healthy, a child dies, or a deadline passes.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from '@chaos-lab/common';

/** Options of {@link waitUntilHealthy}. */
export interface WaitOptions {
  /** Who is waited for, for the error message (e.g. `proxy-manager`). */
  readonly name: string;
  /** Give up after this long, ms. */
  readonly timeoutMs: number;
  /** Poll period, ms (default 25: readiness is on the lab's start-up path). */
  readonly intervalMs?: number;
  /** Per-request timeout, ms (default 1000). */
  readonly requestTimeoutMs?: number;
  /** Rejects early when this settles, e.g. the child's exit. */
  readonly abandon?: Promise<string>;
}

/**
 * Resolves once `GET url` answers 2xx.
 * @throws {LabError} `NOT_READY` naming the service, its URL and the last answer or error, when the
 *   deadline passes or `abandon` settles first
 */
export async function waitUntilHealthy(url: string, options: WaitOptions): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  let abandoned: string | undefined;
  void options.abandon?.then((why) => (abandoned = why));
  while (Date.now() < deadline && abandoned === undefined) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(options.requestTimeoutMs ?? 1000) });
      if (res.ok) {
        await res.body?.cancel();
        return;
      }
      last = `HTTP ${res.status}: ${(await res.text()).slice(0, 300)}`;
    } catch (err) {
      last = (err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    await delay(options.intervalMs ?? 25);
  }
  const why = abandoned ?? `not healthy after ${options.timeoutMs} ms`;
  throw new LabError('NOT_READY', `${options.name} never became healthy at ${url}: ${why} (last: ${last})`, {
    details: { name: options.name, url, last },
  });
}
