/**
 * Waiting for Toxiproxy's API at start (bounded), so the proxy-manager can be started together with
 * Toxiproxy in any order, and fails with one clear line when Toxiproxy never comes.
 */
import { LabError, type Logger } from '@chaos-lab/common';
import type { Clock } from '../util/clock.js';
import type { ToxiproxyGateway } from './gateway.js';

/**
 * Pause between two probes while waiting, ms. Short: `chaos-lab up` starts Toxiproxy and the
 * proxy-manager together, and this wait is on the lab's start-up path.
 */
export const WAIT_POLL_MS = 25;

/**
 * Probes `GET /version` (one attempt at a time, each with the gateway's deadline) until it answers.
 * @param options `waitMs`: how long to keep trying, ms (0: one probe); `clock`; `logger`
 * @returns Toxiproxy's version
 * @throws {LabError} `NOT_READY` naming the URL, the time waited and the last error
 */
export async function waitForToxiproxy(
  gateway: ToxiproxyGateway,
  options: { waitMs: number; clock: Clock; logger: Logger },
): Promise<string> {
  const { waitMs, clock, logger } = options;
  const deadline = clock.now() + waitMs;
  let waiting = false;
  for (;;) {
    try {
      const version = await gateway.version({ attempts: 1 });
      logger.info({ toxiproxy: gateway.url, version }, 'Toxiproxy API answers');
      return version;
    } catch (err) {
      const left = deadline - clock.now();
      if (left <= 0) {
        throw new LabError(
          'NOT_READY',
          `Toxiproxy API at ${gateway.url} did not answer within ${waitMs} ms (${(err as Error).message}): start it (npx chaos-lab toxiproxy), or set TOXIPROXY_URL / TOXIPROXY_WAIT_MS`,
          { details: { url: gateway.url, waitMs } },
        );
      }
      if (!waiting)
        logger.info({ toxiproxy: gateway.url, waitMs, err: (err as Error).message }, 'waiting for the Toxiproxy API');
      waiting = true;
      await clock.sleep(Math.min(WAIT_POLL_MS, left));
    }
  }
}
