/**
 * The service registry: the seven built-in services' names, ports and tools, as code knows them.
 *
 * What a lab runs is the lab file (`LAB_FILE`, lab-file/): the parts that act on "each tool service"
 * read that list; the registry stays for what is about the built-in services themselves (their apps,
 * the offline model's tools, their tools' descriptions in builtin-tools.ts), and `lab.yaml` declares
 * them with these same ports (a test holds them in step).
 *
 * The agent, the proxy-manager, the tool services, the launcher and the tests all import it, so the
 * topology cannot drift between them.
 * Hosts are not written here: they come from settings (`TOOLS_HOST`, `<SERVICE>_TOOL_HOST`,
 * `TOXIPROXY_HOST`), so the same registry serves compose (`search_tool:5000`) and local mode
 * (`127.0.0.1:5000`). Every port is shifted by `PORT_OFFSET` (default 0) so a second lab, or a test
 * run, can sit beside a running one.
 */

/** The names of the seven tool services, in registry order. */
export const SERVICE_NAMES = ['search', 'weather', 'movie', 'calendar', 'calculator', 'message', 'translator'] as const;

/** A tool service's name, e.g. `weather`. */
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The names of the agent's ten tools, as the model sees them. */
export const TOOL_NAMES = [
  'search_web',
  'get_weather',
  'search_movie',
  'get_events',
  'add_event',
  'delete_events',
  'calculate',
  'send_message',
  'read_inbox',
  'translate',
] as const;

/** One of the agent's tool names, e.g. `get_weather`. */
export type ToolName = (typeof TOOL_NAMES)[number];

/** One tool service: where it listens, where its Toxiproxy proxy listens, and which agent tools it serves. */
export interface ServiceSpec {
  /** Service name, e.g. `weather`. */
  readonly name: ServiceName;
  /** Default TCP port of the tool service itself (before `PORT_OFFSET`). */
  readonly toolPort: number;
  /** Default TCP port the Toxiproxy proxy for this service listens on (before `PORT_OFFSET`). */
  readonly proxyPort: number;
  /** Toxiproxy proxy name, e.g. `weather_proxy`. */
  readonly proxyName: string;
  /** Compose service / container name, e.g. `weather_tool`. */
  readonly containerName: string;
  /** The agent tools answered by this service. */
  readonly tools: readonly ToolName[];
}

function spec(name: ServiceName, toolPort: number, proxyPort: number, tools: ToolName[]): ServiceSpec {
  return Object.freeze({
    name,
    toolPort,
    proxyPort,
    proxyName: proxyNameOf(name),
    containerName: `${name}_tool`,
    tools: Object.freeze(tools),
  });
}

/** The Toxiproxy proxy name of a tool service: `<service>_proxy`. */
export function proxyNameOf(service: string): string {
  return `${service}_proxy`;
}

/** The seven tool services with their default ports (docs/architecture.md). */
export const SERVICES: readonly ServiceSpec[] = Object.freeze([
  spec('search', 5000, 6000, ['search_web']),
  spec('weather', 5001, 6001, ['get_weather']),
  spec('movie', 5002, 6002, ['search_movie']),
  spec('calendar', 5003, 6003, ['get_events', 'add_event', 'delete_events']),
  spec('calculator', 5004, 6004, ['calculate']),
  spec('message', 5005, 6005, ['send_message', 'read_inbox']),
  spec('translator', 5006, 6006, ['translate']),
]);

/** Default port of the Toxiproxy REST API (before `PORT_OFFSET`). */
export const TOXIPROXY_API_PORT = 8474;

/** Default port of the proxy-manager's HTTP API (before `PORT_OFFSET`). */
export const PROXY_MANAGER_PORT = 8000;

/** Default port of the agent's `GET /metrics` (before `PORT_OFFSET`). */
export const AGENT_METRICS_PORT = 8300;

/**
 * Looks a service up by name.
 * @throws {LabError} `UNKNOWN_SERVICE` when the name is not one of {@link SERVICE_NAMES}.
 */
export function getService(name: string): ServiceSpec {
  const found = SERVICES.find((s) => s.name === name);
  if (!found) {
    throw new LabError('UNKNOWN_SERVICE', `unknown service "${name}": expected one of ${SERVICE_NAMES.join(', ')}`);
  }
  return found;
}

/** The service that answers an agent tool, e.g. `add_event` → calendar. */
export function serviceForTool(tool: ToolName): ServiceSpec {
  const found = SERVICES.find((s) => s.tools.includes(tool));
  if (!found) throw new LabError('UNKNOWN_SERVICE', `no service answers tool "${tool}"`);
  return found;
}

import { LabError } from './errors.js';
import type { Settings } from './settings/index.js';

/**
 * What the endpoint functions need of a service: a registry {@link ServiceSpec} or a lab file's
 * `LabService` (a declared `host` wins over the settings' hosts; a `fixedPort` is not shifted).
 */
export interface ServicePorts {
  readonly name: string;
  readonly toolPort: number;
  readonly proxyPort: number;
  readonly host?: string;
  readonly fixedPort?: boolean;
}

/** A tool service as the proxy-manager and the launcher handle it: its ports, proxy and container names, and health path (default `/health`). */
export interface ServiceRef extends ServicePorts {
  readonly proxyName: string;
  readonly containerName: string;
  readonly healthPath?: string;
}

/** Host:port endpoint. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/**
 * Where a tool service is reached directly (bypassing its proxy): host from `<SERVICE>_TOOL_HOST`,
 * else the declared host (a lab file's `url` or `compose`), else `TOOLS_HOST`; port = tool port +
 * `PORT_OFFSET` (a `fixedPort`, a URL's, as it is).
 */
export function toolEndpoint(service: ServicePorts, settings: Settings): Endpoint {
  return {
    host: settings.toolHosts[service.name] ?? service.host ?? settings.TOOLS_HOST,
    port: service.toolPort + (service.fixedPort ? 0 : settings.PORT_OFFSET),
  };
}

/** Where the agent reaches a tool service through its proxy: `TOXIPROXY_HOST` : proxy port + `PORT_OFFSET`. */
export function proxyEndpoint(service: ServicePorts, settings: Settings): Endpoint {
  return { host: settings.TOXIPROXY_HOST, port: service.proxyPort + settings.PORT_OFFSET };
}

/** The `listen` address the proxy-manager gives Toxiproxy for a service: `TOXIPROXY_LISTEN_HOST` : proxy port. */
export function proxyListenAddress(service: ServicePorts, settings: Settings): string {
  return `${settings.TOXIPROXY_LISTEN_HOST}:${service.proxyPort + settings.PORT_OFFSET}`;
}

/** Formats an endpoint as `host:port` (IPv6 hosts in brackets). */
export function formatEndpoint(e: Endpoint): string {
  return e.host.includes(':') ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/**
 * The model part: the lab's OpenAI-compatible model server (the offline model and its LLM fault
 * gateway) and the eighth proxy in front of it, so network toxics reach model calls as they reach
 * tool calls. Ports before `PORT_OFFSET`.
 */
export const MODEL_PART = Object.freeze({
  /** Part name, as the launcher and the parts table call it. */
  name: 'model',
  /** Default port of the model server. */
  serverPort: 8100,
  /** Default port `model_proxy` listens on. */
  proxyPort: 6100,
  /** Toxiproxy proxy name. */
  proxyName: 'model_proxy',
  /** Compose service / container name. */
  containerName: 'model_server',
});

/** Where the model server listens: `MODEL_HOST` : 8100 + `PORT_OFFSET`. */
export function modelServerEndpoint(settings: Settings): Endpoint {
  return { host: settings.MODEL_HOST, port: MODEL_PART.serverPort + settings.PORT_OFFSET };
}

/**
 * The OpenAI-compatible base URL the agent uses for the offline model: `MODEL_URL`, else through
 * `model_proxy` at `TOXIPROXY_HOST` : 6100 + `PORT_OFFSET` (`MODEL_PROXY=on`), else the model server
 * itself; path `/v1`.
 */
export function modelBaseUrl(settings: Settings): string {
  if (settings.MODEL_URL) return settings.MODEL_URL;
  const via =
    settings.MODEL_PROXY === 'on'
      ? { host: settings.TOXIPROXY_HOST, port: MODEL_PART.proxyPort + settings.PORT_OFFSET }
      : modelServerEndpoint(settings);
  return `http://${formatEndpoint(via)}/v1`;
}
