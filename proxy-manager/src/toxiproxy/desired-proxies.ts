/**
 * The proxies the proxy-manager owns, computed from the lab file's services and settings (one per tool
 * service, and `model_proxy` in front of the model server), and how a proxy Toxiproxy reports is
 * compared with them.
 */
import {
  formatEndpoint,
  labServices,
  MODEL_PART,
  modelServerEndpoint,
  proxyListenAddress,
  toolEndpoint,
  type ServiceRef,
  type Settings,
} from '@chaos-lab/common';
import type { ProxyConfig, ProxyState } from './gateway.js';

/** A proxy as it should be: one per tool service, and the model's. */
export interface DesiredProxy extends ProxyConfig {
  /** The service behind it (`model`: the model server). */
  readonly service: string;
}

/**
 * One proxy per tool service of the lab file (`LAB_FILE`), in file order: name `<service>_proxy`,
 * listen `TOXIPROXY_LISTEN_HOST:<proxy port>`, upstream `<tool host>:<tool port>`.
 */
export function desiredProxies(
  settings: Settings,
  services: readonly ServiceRef[] = labServices(settings),
): DesiredProxy[] {
  return services.map((spec) => ({
    service: spec.name,
    name: spec.proxyName,
    listen: proxyListenAddress(spec, settings),
    upstream: formatEndpoint(toolEndpoint(spec, settings)),
  }));
}

/**
 * The eighth proxy: `model_proxy`, listen `TOXIPROXY_LISTEN_HOST:6100` (+ `PORT_OFFSET`), upstream the
 * model server (`MODEL_HOST:8100` + `PORT_OFFSET`), so network toxics reach the agent's model calls.
 */
export function desiredModelProxy(settings: Settings): DesiredProxy {
  return {
    service: MODEL_PART.name,
    name: MODEL_PART.proxyName,
    listen: `${settings.TOXIPROXY_LISTEN_HOST}:${MODEL_PART.proxyPort + settings.PORT_OFFSET}`,
    upstream: formatEndpoint(modelServerEndpoint(settings)),
  };
}

/** Splits `host:port` / `[v6]:port`; undefined when there is no numeric port. */
function splitAddress(address: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([^\]]*)\]|(.*)):(\d+)$/.exec(address.trim());
  if (!m) return undefined;
  return { host: (m[1] ?? m[2] ?? '').toLowerCase(), port: Number(m[3]) };
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '::']);

/** Hosts that name the same listening interface: every wildcard alike, `localhost` as `127.0.0.1`. */
function canonicalListenHost(host: string): string {
  if (WILDCARD_HOSTS.has(host)) return '*';
  return host === 'localhost' ? '127.0.0.1' : host;
}

/**
 * True when a reported `listen` is the address that was asked for. Toxiproxy reports the address it
 * bound, so `0.0.0.0:6000` may come back as `[::]:6000` and `localhost:6000` as `127.0.0.1:6000`.
 */
export function sameListenAddress(reported: string, wanted: string): boolean {
  const a = splitAddress(reported);
  const b = splitAddress(wanted);
  if (!a || !b) return reported === wanted;
  return a.port === b.port && canonicalListenHost(a.host) === canonicalListenHost(b.host);
}

/** What is wrong with a proxy compared with what it should be; empty when it is as wanted. */
export function proxyDrift(observed: ProxyState, desired: DesiredProxy): string[] {
  const drift: string[] = [];
  if (!sameListenAddress(observed.listen, desired.listen))
    drift.push(`listen is ${observed.listen}, want ${desired.listen}`);
  if (observed.upstream !== desired.upstream) drift.push(`upstream is ${observed.upstream}, want ${desired.upstream}`);
  if (!observed.enabled) drift.push('disabled');
  return drift;
}
