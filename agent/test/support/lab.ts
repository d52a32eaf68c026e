/**
 * The lab around the agent in tests: real tool services on port 0, a prompts file, settings pointing
 * every file into a temporary folder, and endpoint resolvers (straight to the services, or through
 * proxies on a Toxiproxy-compatible server).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Endpoint,
  SERVICE_NAMES,
  type ServiceName,
  type Settings,
  getService,
  openDatabase,
} from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { type RunningModelServer, startModelServer } from '@chaos-lab/model';
import { type RunningToolService, startToolService } from '@chaos-lab/tools';
import { type ToxiproxyServer, startToxiproxyServer } from '@chaos-lab/toxiproxy';
import { type Proxy, Toxiproxy } from 'toxiproxy-node-client';
import type { EndpointResolver } from '../../src/tool-calls/tools.js';
import { startScheduleServer, type ScheduleServer } from '@chaos-lab/proxy-manager';

/** A temporary lab folder with settings; `close()` stops what was started and removes the folder. */
export interface TestLab {
  readonly dir: string;
  readonly settings: Settings;
  readonly services: Map<ServiceName, RunningToolService>;
  /** The offline model server (on port 0; `settings.MODEL_URL` points at it). */
  readonly model: RunningModelServer;
  /** Writes a prompts file of these prompts (texts, or whole entries with `expect`…) and returns its path. */
  promptsFile(prompts: ReadonlyArray<string | { prompt: string; [field: string]: unknown }>): string;
  /** Rows of a table for a run, ordered by id/rowid. */
  rows<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** The JSON lines of a log file (`agent` or `info`). */
  logLines(file: 'agent' | 'info'): Record<string, unknown>[];
  close(): Promise<void>;
}

/**
 * Starts the offline model server on a free port and the seven tool services on free ports, with the
 * proxy-manager's fault schedule (without Toxiproxy: `startScheduleServer`) that the model gateway announces
 * its requests to, unless `overrides` name a `PROXY_MANAGER_URL` of their own.
 * @param overrides settings overrides for the whole lab (`{ TOOL_LIMIT: '3' }`)
 * @param perService settings overrides for single services (`{ weather: { ERROR_PROB: '1' } }`)
 * @param only the services to start (default all seven)
 */
export async function startTestLab(
  overrides: Record<string, string> = {},
  perService: Partial<Record<ServiceName, Record<string, string>>> = {},
  only: readonly ServiceName[] = SERVICE_NAMES,
): Promise<TestLab> {
  const tmp = makeTempDir('agent-test-');
  const schedule: ScheduleServer | undefined = overrides.PROXY_MANAGER_URL
    ? undefined
    : await startScheduleServer(testSettings(tmp.path, overrides));
  const withSchedule = schedule ? { PROXY_MANAGER_URL: schedule.url, ...overrides } : overrides;
  const model = await startModelServer(testSettings(tmp.path, withSchedule), { port: 0, host: '127.0.0.1' });
  const settings = testSettings(tmp.path, { MODEL_URL: model.baseUrl, ...withSchedule });
  const services = new Map<ServiceName, RunningToolService>();
  try {
    for (const name of only) {
      const own = perService[name] ? testSettings(tmp.path, { ...overrides, ...perService[name] }) : settings;
      services.set(name, await startToolService(name, own, { port: 0, host: '127.0.0.1' }));
    }
  } catch (err) {
    await Promise.all([...services.values()].map((s) => s.close()));
    await model.close();
    await schedule?.close();
    tmp.cleanup();
    throw err;
  }
  let files = 0;
  return {
    dir: tmp.path,
    settings,
    services,
    model,
    promptsFile(prompts) {
      const path = join(tmp.path, `prompts-${files++}.json`);
      writeFileSync(
        path,
        JSON.stringify(prompts.map((entry) => (typeof entry === 'string' ? { prompt: entry } : entry))),
      );
      return path;
    },
    rows<T>(sql: string, ...params: unknown[]): T[] {
      const db = openDatabase(settings.LAB_DB_PATH);
      try {
        return db.prepare(sql).all(...params) as T[];
      } finally {
        db.close();
      }
    },
    logLines(file) {
      return readFileSync(join(settings.LOG_DIR, `${file}.log`), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async close() {
      await Promise.all([...services.values()].map((s) => s.close()));
      await model.close();
      await schedule?.close();
      tmp.cleanup();
    },
  };
}

/**
 * The lab's running service of a name an endpoint resolver is asked about (a resolver takes any lab
 * file service; the test lab runs registry services only).
 * @throws {Error} when the lab runs no service of that name
 */
export function runningService(lab: TestLab, name: string): RunningToolService {
  const service = lab.services.get(name as ServiceName);
  if (!service) throw new Error(`the test lab runs no service "${name}"`);
  return service;
}

/** Endpoints that reach every service directly for both the "proxy" and the fallback (no Toxiproxy). */
export function directEndpoints(
  lab: TestLab,
  override: Partial<Record<string, Partial<{ proxy: Endpoint; direct: Endpoint }>>> = {},
): EndpointResolver {
  return (service) => {
    const own = { host: '127.0.0.1', port: runningService(lab, service.name).port };
    return { proxy: override[service.name]?.proxy ?? own, direct: override[service.name]?.direct ?? own };
  };
}

/** The Toxiproxy-compatible server with one proxy per started service, as the proxy-manager makes them. */
export interface ProxiedLab {
  readonly toxiproxy: ToxiproxyServer;
  readonly client: Toxiproxy;
  /** The proxies, by service (`weather` → `weather_proxy`). */
  readonly proxies: ReadonlyMap<string, Proxy>;
  /** Endpoints through the proxies, with the services themselves for the fallback. */
  readonly endpoints: EndpointResolver;
  close(): Promise<void>;
}

/** "host:port" → endpoint. */
function parseListen(listen: string): Endpoint {
  const at = listen.lastIndexOf(':');
  return { host: listen.slice(0, at).replace(/^\[|\]$/g, ''), port: Number(listen.slice(at + 1)) };
}

/**
 * Starts the project's Toxiproxy-compatible server on a free port and creates, with the Toxiproxy
 * client the proxy-manager uses, a proxy `<service>_proxy` on a free port for every service of the lab.
 */
export async function startProxies(lab: TestLab): Promise<ProxiedLab> {
  const toxiproxy = await startToxiproxyServer({ port: 0, seed: 1 });
  const client = new Toxiproxy(toxiproxy.url);
  const proxies = new Map<string, Proxy>();
  try {
    for (const [name, service] of lab.services) {
      proxies.set(
        name,
        await client.createProxy({
          name: getService(name).proxyName,
          listen: '127.0.0.1:0',
          upstream: `127.0.0.1:${service.port}`,
        }),
      );
    }
  } catch (err) {
    await toxiproxy.close();
    throw err;
  }
  return {
    toxiproxy,
    client,
    proxies,
    endpoints: (service) => {
      const proxy = proxies.get(service.name);
      if (!proxy) throw new Error(`the test lab has no proxy for "${service.name}"`);
      return {
        proxy: parseListen(proxy.listen),
        direct: { host: '127.0.0.1', port: runningService(lab, service.name).port },
      };
    },
    close: () => toxiproxy.close(),
  };
}
