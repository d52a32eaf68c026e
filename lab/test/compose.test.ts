/**
 * The compose files against the lab's own tables: every container gets exactly the settings its part
 * reads (SETTING_READERS), a secret reaches the agent only, one build serves every part, the long-running
 * parts restart and have cheap, tolerant health checks on their own ports, and nothing runs as root.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { DASHBOARD_DEFAULT_PORT } from '@chaos-lab/dashboard';
import {
  AGENT_METRICS_PORT,
  PROJECT_ROOT,
  PROXY_MANAGER_PORT,
  SERVICE_NAMES,
  SETTING_READERS,
  TOXIPROXY_API_PORT,
  getService,
  MODEL_PART,
  settingsShape,
  type LabPart,
  type SettingName,
} from '@chaos-lab/common';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number>;
  user?: string;
  restart?: string;
  ports?: string[];
  expose?: string[];
  volumes?: string[];
  healthcheck?: { test?: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  depends_on?: string[] | Record<string, { condition: string }>;
}

/** The `services` of a compose file, with YAML merge keys (`<<: *anchor`) applied as compose does. */
function services(file: string): Record<string, ComposeService> {
  const doc = parse(readFileSync(join(PROJECT_ROOT, file), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  return doc.services;
}

const base = services('docker-compose.yaml');
const local = services('docker-compose.local.yaml');

/** The lab part a service runs, from its command (`tool search` → tools); undefined for the real Toxiproxy image. */
function partOf(service: ComposeService): Exclude<LabPart, 'launcher'> | undefined {
  const first = service.command?.[0];
  if (first === 'tool') return 'tools';
  if (
    first === 'toxiproxy' ||
    first === 'proxy-manager' ||
    first === 'model' ||
    first === 'agent' ||
    first === 'charts' ||
    first === 'dashboard'
  )
    return first;
  return undefined;
}

/** The local toxiproxy as compose runs it: the override's keys over the base's, its health check merged. */
const localToxiproxy: ComposeService = {
  ...base.toxiproxy,
  ...local.toxiproxy,
  healthcheck: { ...base.toxiproxy!.healthcheck, ...local.toxiproxy!.healthcheck },
};

/** Every service that runs the lab's image: name → service. */
const labServices: Array<[string, ComposeService]> = [
  ...Object.entries(base).filter(([, s]) => partOf(s) !== undefined),
  ['toxiproxy (docker-compose.local.yaml)', localToxiproxy],
];

/** `<SERVICE>_TOOL_HOST` for every tool service: read wherever TOOLS_HOST is. */
const TOOL_HOST_VARS = SERVICE_NAMES.map((name) => `${name.toUpperCase()}_TOOL_HOST`);

/**
 * Settings compose fixes for its containers instead of taking them from `.env`: where a part binds and
 * finds the others (the compose network), and its folders (the mounts). Everything else passes `.env`.
 */
const FIXED_BY_COMPOSE = new Set<string>([
  'BIND_HOST',
  'PORT_OFFSET',
  'PROXY_MANAGER_PORT',
  'DASHBOARD_PORT',
  'PROXY_MANAGER_URL',
  'AGENT_METRICS_PORT',
  'TOXIPROXY_URL',
  'TOXIPROXY_HOST',
  'TOXIPROXY_LISTEN_HOST',
  'TOOLS_HOST',
  ...TOOL_HOST_VARS,
  'MODEL_HOST',
  'LAB_DB_PATH',
  'LOG_DIR',
  'CHARTS_DIR',
  'PROMPTS_FILE',
  'LAB_FILE',
  'LOG_CONSOLE',
]);

/** Settings that hold a credential: by name, so a new key (`OPENAI_API_KEY`) is covered without an edit here. */
const SECRET = /(_API_KEY|_TOKEN|_SECRET|_PASSWORD)$/;

/** The settings a part reads, by SETTING_READERS, with the per-service tool hosts beside TOOLS_HOST. */
function settingsReadBy(part: LabPart): string[] {
  const names = Object.entries(SETTING_READERS)
    .filter(([, parts]) => parts?.includes(part))
    .map(([name]) => name);
  return (names.includes('TOOLS_HOST') ? [...names, ...TOOL_HOST_VARS] : names).sort();
}

describe('compose settings (one table: SETTING_READERS)', () => {
  it('every setting names the parts that read it', () => {
    const missing = Object.keys(settingsShape).filter((name) => !SETTING_READERS[name as SettingName]?.length);
    assert.deepEqual(
      missing,
      [],
      'add these to SETTING_READERS in common/src/settings/readers.ts (and pass them in docker-compose.yaml)',
    );
    const unknown = Object.keys(SETTING_READERS).filter((name) => !(name in settingsShape));
    assert.deepEqual(unknown, [], 'SETTING_READERS names settings that do not exist');
  });

  for (const [name, service] of labServices) {
    const part = partOf(service)!;
    it(`${name} (${part}) gets exactly the settings its part reads`, () => {
      const given = Object.keys(service.environment ?? {}).sort();
      assert.deepEqual(given, settingsReadBy(part));
    });

    it(`${name} passes each setting from .env unchanged, or fixes one of the container's own places`, () => {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (FIXED_BY_COMPOSE.has(key))
          assert.doesNotMatch(String(value), /\$\{/, `${key} is the container's own; compose fixes it`);
        else assert.equal(value, `\${${key}:-}`, `${key} must pass .env's value as \${${key}:-}`);
      }
    });
  }

  it('a secret reaches the agent only', () => {
    const secrets = Object.keys(settingsShape).filter((name) => SECRET.test(name));
    assert.ok(secrets.includes('GROQ_API_KEY'));
    for (const secret of secrets) {
      assert.deepEqual(SETTING_READERS[secret as SettingName], ['agent'], `${secret}: only the agent may read it`);
      const holders = labServices.filter(([, s]) => s.environment && secret in s.environment).map(([n]) => n);
      assert.deepEqual(holders, ['agent'], `${secret} reaches ${holders.join(', ')}`);
    }
  });

  it('the real Toxiproxy gets none of the lab settings', () => {
    assert.match(base.toxiproxy!.image!, /^ghcr\.io\/shopify\/toxiproxy:/);
    assert.equal(base.toxiproxy!.environment, undefined);
  });
});

describe('compose services', () => {
  const longRunning = labServices.filter(([, s]) => partOf(s) !== 'agent' && partOf(s) !== 'charts');

  it('one image, built by one service that starts first', () => {
    const images = new Set(labServices.map(([, s]) => s.image));
    assert.deepEqual([...images], ['agent-chaos-lab:local']);
    const builders = Object.entries(base)
      .filter(([, s]) => s.build !== undefined)
      .map(([n]) => n);
    assert.deepEqual(builders, ['search_tool']);
    assert.equal(local.toxiproxy!.build, undefined);
    // docker-compose v1.29 makes sure of each service's image in start order, pulling what is missing.
    assert.equal(base.search_tool!.depends_on, undefined);
    assert.deepEqual(local.toxiproxy!.depends_on, ['search_tool']);
  });

  it('long-running parts restart when they die; the one-shot agent and charts do not', () => {
    for (const [name, s] of [...longRunning, ['toxiproxy', base.toxiproxy!] as const])
      assert.equal(s.restart, 'on-failure:3', name);
    assert.equal(base.agent!.restart, undefined);
    assert.equal(base.charts!.restart, undefined);
  });

  it("health checks run no Node process, on each part's own port, tolerant of a loaded machine", () => {
    const seconds = (d: string | undefined) => {
      const m = /^(\d+)(s|m)$/.exec(d ?? '');
      assert.ok(m, `duration ${d}`);
      return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
    };
    for (const [name, s] of longRunning) {
      const hc = s.healthcheck ?? {};
      const part = partOf(s);
      const port =
        part === 'tools'
          ? getService(s.command![1]!).toolPort
          : part === 'proxy-manager'
            ? PROXY_MANAGER_PORT
            : part === 'model'
              ? MODEL_PART.serverPort
              : part === 'dashboard'
                ? DASHBOARD_DEFAULT_PORT
                : TOXIPROXY_API_PORT;
      assert.deepEqual(hc.test?.slice(0, 3), ['CMD', 'lab-healthcheck', String(port)], name);
      assert.ok(
        seconds(hc.timeout) >= 10 && seconds(hc.start_period) >= 60 && (hc.retries ?? 0) >= 3,
        `${name}: ${JSON.stringify(hc)}`,
      );
      assert.ok(seconds(hc.interval) >= 2, `${name}: checks no more often than every 2 s`);
    }
  });

  it('no part runs as root; only 127.0.0.1 is published', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own ${VAR} syntax
    for (const [name, s] of labServices) assert.equal(s.user, '${LAB_UID:-1000}:${LAB_GID:-1000}', name);
    assert.match(readFileSync(join(PROJECT_ROOT, 'Dockerfile'), 'utf8'), /^USER 1000:1000$/m);
    for (const s of Object.values(base)) for (const p of s.ports ?? []) assert.match(p, /^127\.0\.0\.1:/);
  });

  it("each part's /metrics port is exposed to the compose network", () => {
    for (const [name, s] of Object.entries(base)) {
      const part = partOf(s);
      const port =
        part === 'tools'
          ? getService(s.command![1]!).toolPort
          : part === 'proxy-manager'
            ? PROXY_MANAGER_PORT
            : part === 'model'
              ? MODEL_PART.serverPort
              : part === 'agent'
                ? AGENT_METRICS_PORT
                : undefined;
      if (port === undefined) continue;
      assert.deepEqual(s.expose, [String(port)], name);
    }
    assert.equal(base.agent!.environment?.AGENT_METRICS_PORT, String(AGENT_METRICS_PORT));
    assert.equal(
      base.agent!.environment?.BIND_HOST,
      '0.0.0.0',
      "the agent binds the container's address, so a scraper reaches it",
    );
  });

  it('no service mounts one path twice (compose refuses non-unique volumes)', () => {
    for (const [name, service] of Object.entries(base)) {
      const volumes = service.volumes ?? [];
      assert.equal(new Set(volumes).size, volumes.length, `${name}: ${volumes.join(', ')}`);
    }
  });

  it('the prompts file is mounted, not built into the image', () => {
    assert.match(readFileSync(join(PROJECT_ROOT, '.dockerignore'), 'utf8'), /^agent\/prompts\.json$/m);
    const volumes = base.agent!.volumes ?? [];
    // biome-ignore lint/suspicious/noTemplateCurlyInString: compose's own ${VAR} syntax
    assert.ok(volumes.includes('${PROMPTS_FILE:-./agent/prompts.json}:/app/agent/prompts.json:ro'), volumes.join(', '));
  });
});
