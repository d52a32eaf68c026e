/**
 * Reconciliation: bringing Toxiproxy's proxies to what the proxy-manager wants, the way a controller
 * does. Run once at start (before the first chaos tick) and again on every chaos tick, so a
 * Toxiproxy that restarted (and lost its proxies) is healed without restarting the manager.
 *
 * The manager owns the seven proxies and every toxic on them: a missing proxy is created, a drifted
 * one (listen, upstream, disabled) is set right, and any toxic it did not inject itself — stale ones
 * from a crashed run, or ones added by hand — is removed, so `toxic_events` records every toxic the
 * agent met. Failures are per proxy: returned (the caller logs them as a lasting condition) and
 * retried on the next tick.
 */
import type { Logger } from '@chaos-lab/common';
import { proxyDrift, type DesiredProxy } from './desired-proxies.js';
import { toxiproxyHttpStatus, type ProxyState, type ToxiproxyGateway } from './gateway.js';

/** What one reconciliation did. */
export interface ReconcileResult {
  /** Proxies created (they were missing). */
  readonly created: string[];
  /** Proxies whose listen/upstream/enabled were set right. */
  readonly updated: string[];
  /** Toxics removed because the manager did not inject them, as `proxy/toxic`. */
  readonly removedToxics: string[];
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
 * @param owned true for a toxic the manager injected and is tracking (kept); every other toxic on a
 *   desired proxy is removed
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
  const result: ReconcileResult = { created: [], updated: [], removedToxics: [], failures: [] };
  const byName = new Map(observed.map((p) => [p.name, p]));
  for (const want of desired) {
    const log = logger.child({ proxy: want.name });
    const have = byName.get(want.name);
    try {
      if (!have) {
        if (await createProxy(gateway, want, log)) result.created.push(want.name);
        continue;
      }
      const drift = proxyDrift(have, want);
      if (drift.length > 0) {
        await gateway.updateProxy(want);
        log.info({ drift, listen: want.listen, upstream: want.upstream }, 'reconcile: proxy set right');
        result.updated.push(want.name);
      }
      for (const toxic of have.toxics) {
        if (owned(want.name, toxic.name)) continue;
        await gateway.removeToxic(want.name, toxic);
        log.info(
          { toxic: toxic.name, type: toxic.type, stream: toxic.stream, attributes: toxic.attributes },
          'reconcile: removed a toxic the proxy-manager did not inject',
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
