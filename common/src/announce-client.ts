/**
 * The client side of the proxy-manager's `POST /calls` (proxy-manager/src/http/announce-route.ts): an
 * announcement of an attempt to the fault schedule, or the report of its end. Shared by the parts that
 * announce for others (the model gateway, the tool services); the lab's own agent has its own hook.
 */
import type { Logger } from './logger.js';

/**
 * Posts one announcement body and waits for the acknowledgement; never rejects.
 * @param body the JSON body (`runId`, `promptIndex`, `tool`, `callId`, `attempt`, …)
 * @param timeoutMs how long to wait for the acknowledgement, ms
 */
export type PostAnnouncement = (body: object, timeoutMs: number) => Promise<void>;

/**
 * An announcement poster. A manager that does not acknowledge (an error status, no answer within the
 * timeout) is logged once, with `warning`, and the caller goes ahead: a lost signal must not stop it.
 * @param managerUrl the proxy-manager's HTTP API, e.g. `http://127.0.0.1:8000`
 * @param logger where the one warning goes
 * @param warning what going ahead means, for the one warning
 */
export function announcementPoster(managerUrl: string, logger: Logger, warning: string): PostAnnouncement {
  let warned = false;
  return async (body, timeoutMs) => {
    try {
      const res = await fetch(`${managerUrl}/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      await res.arrayBuffer();
    } catch (err) {
      if (!warned) logger.warn({ err: (err as Error).message, managerUrl }, warning);
      warned = true;
    }
  };
}
