/**
 * Test support: a small lab on free ports (the project's Toxiproxy-compatible server, the seven real
 * tool services, a proxy-manager) with a temporary database and logs, plus the agent's side of the
 * coordination (runs and their phase) and polling with a deadline.
 */
import {
  createLogger,
  openDatabase,
  SERVICES,
  writeTransaction,
  type Database,
  type Phase,
  type Settings,
} from '@chaos-lab/common';
import { makeTempDir, takePortBlock, testSettings } from '@chaos-lab/common/testing';
import { startAllTools, type RunningToolService } from '@chaos-lab/tools';
import { startToxiproxyServer } from '@chaos-lab/toxiproxy';
import { startProxyManager, type ProxyManager } from '../../src/index.js';

/** Polls `probe` until it returns something other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A Toxiproxy server, restartable on the same port. */
export interface ToxiproxyHandle {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function toxiproxyOnPort(port: number): Promise<{ url: string; port: number; close(): Promise<void> }> {
  return startToxiproxyServer({ host: '127.0.0.1', port });
}

/** A lab for one test. */
export interface TestLab {
  readonly settings: Settings;
  readonly toxiproxy: ToxiproxyHandle;
  readonly tools: RunningToolService[];
  /** The test's own connection to the lab database (the agent's side). */
  readonly db: Database;
  readonly dir: string;
  /** The proxy-manager, once started. */
  manager?: ProxyManager;
  /** Starts a proxy-manager on a free port; `changes` replace settings (e.g. another seed). */
  startManager(changes?: Partial<Settings>): Promise<ProxyManager>;
  /**
   * Starts a run in `phase`, recording `seed` (default the lab's `CHAOS_SEED`) as the agent does; each
   * run starts later than the one before, so it becomes current.
   */
  startRun(runId: string, phase: Phase, seed?: number): void;
  /** Sets a run's phase, with a heartbeat, as the agent does. */
  setPhase(runId: string, phase: Phase): void;
  /** Stamps a run's agent heartbeat (default: now), ms since the epoch. */
  heartbeat(runId: string, at?: number): void;
  /** `toxic_events` rows, oldest first, optionally of one run. */
  events(runId?: string): ToxicEventRow[];
  /** Toxiproxy's proxies, straight from its API. */
  proxies(): Promise<Record<string, ProxyJson>>;
  /** The proxy-manager's answer to `GET path`. */
  // biome-ignore lint/suspicious/noExplicitAny: untyped on purpose, like test-service's JsonResponse: each test reads the fields it asserts
  get(path: string): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/** A `toxic_events` row. */
export interface ToxicEventRow {
  id: number;
  run_id: string | null;
  proxy: string;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
  attributes: string;
  started_at: number;
  ended_at: number | null;
}

/** A proxy as Toxiproxy's API returns it. */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: { name: string; type: string; stream: string; toxicity: number; attributes: Record<string, number> }[];
}

/**
 * Starts Toxiproxy and the tools (not the manager: call `startManager`, after arranging any
 * pre-existing state). Settings: temp database and logs, `PORT_OFFSET` of a block of ports held until
 * `close()` (common's `takePortBlock`), short chaos intervals, then `overrides`.
 */
export async function startTestLab(overrides: Record<string, string> = {}): Promise<TestLab> {
  const temp = makeTempDir('proxy-manager-test-');
  const ports = await takePortBlock();
  let server = await toxiproxyOnPort(0);
  const toxiproxyPort = server.port;
  const settings = testSettings(temp.path, {
    PORT_OFFSET: String(ports.offset),
    TOXIPROXY_URL: server.url,
    CHAOS_INTERVAL_MS: '100',
    TOXIC_DURATION_MS: '300-600',
    HEALTH_INTERVAL_MS: '200',
    TOXIPROXY_TIMEOUT_MS: '1000',
    TOXIPROXY_WAIT_MS: '5000',
    ...overrides,
  });
  let tools: RunningToolService[];
  try {
    tools = await startAllTools(settings);
  } catch (err) {
    await server.close();
    ports.release();
    temp.cleanup();
    throw err;
  }
  const db = openDatabase(settings.LAB_DB_PATH);
  const logger = createLogger({ name: 'proxy-manager', settings });
  let runClock = Date.now();
  let running = true;
  const lab: TestLab = {
    settings,
    tools,
    db,
    dir: temp.path,
    toxiproxy: {
      get url() {
        return server.url;
      },
      port: toxiproxyPort,
      async stop() {
        if (!running) return;
        running = false;
        await server.close();
      },
      async start() {
        if (running) return;
        server = await toxiproxyOnPort(toxiproxyPort);
        running = true;
      },
    },
    async startManager(changes = {}) {
      lab.manager = await startProxyManager({ ...settings, ...changes }, { port: 0, logger, docker: null });
      return lab.manager;
    },
    startRun(runId, phase, seed = settings.CHAOS_SEED) {
      runClock = Math.max(runClock + 1, Date.now());
      const startedAt = runClock;
      writeTransaction(db, () => {
        db.prepare('INSERT INTO runs (run_id, started_at, seed) VALUES (?, ?, ?)').run(runId, startedAt, seed);
        db.prepare('INSERT INTO control (run_id, phase, heartbeat_at, updated_at) VALUES (?, ?, ?, ?)').run(
          runId,
          phase,
          startedAt,
          startedAt,
        );
      });
    },
    setPhase(runId, phase) {
      writeTransaction(db, () => {
        db.prepare('UPDATE control SET phase = ?, heartbeat_at = ?, updated_at = ? WHERE run_id = ?').run(
          phase,
          Date.now(),
          Date.now(),
          runId,
        );
      });
    },
    heartbeat(runId, at = Date.now()) {
      writeTransaction(db, () => {
        db.prepare('UPDATE control SET heartbeat_at = ? WHERE run_id = ?').run(at, runId);
      });
    },
    events(runId) {
      const rows = db.prepare('SELECT * FROM toxic_events ORDER BY id').all() as ToxicEventRow[];
      return runId === undefined ? rows : rows.filter((r) => r.run_id === runId);
    },
    async proxies() {
      const res = await fetch(`${server.url}/proxies`);
      return (await res.json()) as Record<string, ProxyJson>;
    },
    async get(path) {
      const res = await fetch(`${lab.manager!.url}${path}`);
      return { status: res.status, body: await res.json() };
    },
    async close() {
      await lab.manager?.close();
      await Promise.all(tools.map((t) => t.close()));
      if (running) await server.close();
      db.close();
      ports.release();
      temp.cleanup();
    },
  };
  return lab;
}

/** Every toxic on the lab's seven proxies, as `proxy/toxic`. */
export async function toxicsOnProxies(lab: TestLab): Promise<string[]> {
  const proxies = await lab.proxies();
  return SERVICES.flatMap((s) => (proxies[s.proxyName]?.toxics ?? []).map((t) => `${s.proxyName}/${t.name}`));
}

/** Waits until each of the lab's seven proxies holds a toxic. */
export async function toxicOnEveryProxy(lab: TestLab): Promise<void> {
  await waitFor('a toxic on every proxy', async () => (await toxicsOnProxies(lab)).length === 7);
}
