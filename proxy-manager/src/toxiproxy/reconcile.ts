/**
 * Reconciliation: bringing Toxiproxy's proxies to what the proxy-manager wants, the way a controller
 * does. Run once at start (before the first chaos tick) and again on every chaos tick, so a
 * Toxiproxy that restarted (and lost its proxies) is healed without restarting the manager.
 *
 * The manager owns the seven proxies and the lab's toxics on them: a missing proxy is created, a
 * drifted one (listen, upstream, disabled) is set right, and a toxic with a lab name (`toxic-names.ts`)
 * that the manager does not hold now — left by a crashed manager or an ended run — is removed. A toxic
 * with any other name was made by hand with a Toxiproxy client: it is the user's, kept, and returned
 * (`handMade`) so the loop records it as a manual fault; `toxic_events` thus records every toxic the
 * agent met. Failures are per proxy: returned (the caller logs them as a lasting condition) and
 * retried on the next tick.
 */
import type { Logger } from '@chaos-lab/common';
import { proxyDrift, type DesiredProxy } from './desired-proxies.js';
import { toxiproxyHttpStatus, type ProxyState, type ToxicState, type ToxiproxyGateway } from './gateway.js';
import { isLabToxicName } from './toxic-names.js';

/** A toxic made by hand (not a lab name) on one of the manager's proxies, as Toxiproxy reported it. */
export interface HandMadeToxic {
  /** Proxy name, e.g. `weather_proxy`. */
  readonly proxy: string;
  readonly toxic: ToxicState;
}

/** What one reconciliation did. */
export interface ReconcileResult {
  /** Proxies created (they were missing). */
  readonly created: string[];
  /** Proxies whose listen/upstream/enabled were set right. */
  readonly updated: string[];
  /** Lab toxics removed because the manager does not hold them (left behind), as `proxy/toxic`. */
  readonly removedToxics: string[];
  /** Hand-made toxics on the manager's proxies, kept (on proxies listed, not those just created). */
  readonly handMade: HandMadeToxic[];
  /** One message per failed call; those proxies are retried next time. */
  readonly failures: string[];
}

/** True when the reconciliation changed something in Toxiproxy. */
export function madeChanges(result: ReconcileResult): boolean {
  return result.created.length + result.updated.length + result.removedToxics.length > 0;
}

/**
 * Reconciles the desired proxies with what Toxiproxy reported.
 * @param observed every proxy Toxiproxy has now (proxies not in `desired` are left alone)
 * @param owned true for a lab toxic the manager injected and holds (kept); every other toxic with a lab
 *   name on a desired proxy is removed; every toxic with another name is kept and returned as hand-made
 * @param logger bound to the current run; every change made is logged
 * @returns what was done; never throws for a failed Toxiproxy call (see `failures`)
 */
export async function reconcileProxies(
  gateway: ToxiproxyGateway,
  desired: readonly DesiredProxy[],
  observed: readonly ProxyState[],
  owned: (proxy: string, toxic: string) => boolean,
  logger: Logger,
): Promise<ReconcileResult> {
  const result: ReconcileResult = { created: [], updated: [], removedToxics: [], handMade: [], failures: [] };
  const byName = new Map(observed.map((p) => [p.name, p]));
  for (const want of desired) {
    const log = logger.child({ proxy: want.name });
    const have = byName.get(want.name);
    try {
      if (!have) {
        if (await createProxy(gateway, want, log)) result.created.push(want.name);
        continue;
      }
      // Listed before any call that may fail, so a failure never hides a hand-made toxic.
      for (const toxic of have.toxics)
        if (!isLabToxicName(toxic.name)) result.handMade.push({ proxy: want.name, toxic });
      const drift = proxyDrift(have, want);
      if (drift.length > 0) {
        await gateway.updateProxy(want);
        log.info({ drift, listen: want.listen, upstream: want.upstream }, 'reconcile: proxy set right');
        result.updated.push(want.name);
      }
      for (const toxic of have.toxics) {
        if (!isLabToxicName(toxic.name) || owned(want.name, toxic.name)) continue;
        await gateway.removeToxic(want.name, toxic);
        log.info(
          { toxic: toxic.name, type: toxic.type, stream: toxic.stream, attributes: toxic.attributes },
          'reconcile: removed a lab toxic the proxy-manager does not hold (left behind)',
        );
        result.removedToxics.push(`${want.name}/${toxic.name}`);
      }
    } catch (err) {
      result.failures.push((err as Error).message);
    }
  }
  return result;
}

/** Creates a proxy; false when someone else created it since the listing (the next tick checks it). */
async function createProxy(gateway: ToxiproxyGateway, want: DesiredProxy, log: Logger): Promise<boolean> {
  try {
    await gateway.createProxy(want);
    log.info({ listen: want.listen, upstream: want.upstream }, 'reconcile: proxy created');
    return true;
  } catch (err) {
    if (toxiproxyHttpStatus(err) !== 409) throw err;
    log.info('reconcile: proxy appeared meanwhile');
    return false;
  }
}
