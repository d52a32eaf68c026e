/**
 * Which parts `chaos-lab up` starts itself, and the ports they will claim: Toxiproxy unless one is
 * named, the tool services the lab file says the lab runs, the model server when the agent uses it,
 * the proxy-manager and the agent's metrics.
 */
import {
  labServices,
  MODEL_PART,
  proxyEndpoint,
  readDotenv,
  toolEndpoint,
  TOXIPROXY_API_PORT,
  type Settings,
} from '@chaos-lab/common';
import type { PortClaim } from './ports.js';

/** True when the user named a Toxiproxy (environment or `.env`), so none is started. */
export function usesExternalToxiproxy(): boolean {
  return Boolean((process.env.TOXIPROXY_URL ?? readDotenv().TOXIPROXY_URL ?? '').trim());
}

/** True when the agent uses the lab's model server: the offline model (`LLM_PROVIDER` offline, or auto without a Groq key), or the gateway in front of `MODEL_UPSTREAM_URL`. */
export function usesModelServer(settings: Settings): boolean {
  // With MODEL_UPSTREAM_URL the model server is the gateway in front of the hosted provider.
  if (settings.MODEL_UPSTREAM_URL !== undefined) return true;
  return settings.LLM_PROVIDER === 'offline' || (settings.LLM_PROVIDER === 'auto' && !settings.GROQ_API_KEY);
}

/**
 * The ports the parts the lab starts will listen on, each with its owner, for the check before the
 * run (ports.ts).
 * @param external true when Toxiproxy is someone else's (see {@link usesExternalToxiproxy}): its
 *   API and proxy ports are then not the lab's to claim
 */
export function portClaims(settings: Settings, external: boolean): PortClaim[] {
  const bind = { host: settings.BIND_HOST, hostSetting: 'BIND_HOST' };
  // The ports of the services the lab starts; a url or compose service is someone else's.
  const started = labServices(settings).filter((s) => s.run === 'builtin' || s.run === 'command');
  const claims: PortClaim[] = started.map((s) => ({
    ...bind,
    port: toolEndpoint(s, settings).port,
    owner: `${s.name} tool service`,
  }));
  if (usesModelServer(settings))
    claims.push({ ...bind, port: MODEL_PART.serverPort + settings.PORT_OFFSET, owner: 'model server' });
  if (!external) {
    claims.push({ ...bind, port: TOXIPROXY_API_PORT + settings.PORT_OFFSET, owner: 'Toxiproxy API' });
    const listen = { host: settings.TOXIPROXY_LISTEN_HOST, hostSetting: 'TOXIPROXY_LISTEN_HOST' };
    for (const s of labServices(settings))
      claims.push({ ...listen, port: proxyEndpoint(s, settings).port, owner: `${s.proxyName}` });
    if (settings.MODEL_PROXY === 'on')
      claims.push({ ...listen, port: MODEL_PART.proxyPort + settings.PORT_OFFSET, owner: MODEL_PART.proxyName });
  }
  claims.push({ ...bind, port: settings.PROXY_MANAGER_PORT, owner: 'proxy-manager' });
  if (settings.AGENT_METRICS_PORT !== 0)
    claims.push({ ...bind, port: settings.AGENT_METRICS_PORT, owner: 'agent metrics' });
  return claims;
}
