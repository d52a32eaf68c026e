/**
 * Test support shared by every workspace's tests (imported as `@chaos-lab/common/testing`): temporary
 * folders and settings that point every file the lab writes into one, reading a lab's database, test
 * certificates; metrics scrapes (testing-metrics.ts) and blocks of free ports (testing-ports.ts).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from './database.js';
import { loadSettings, type Settings } from './settings/index.js';

/** A fresh temporary folder; `cleanup()` removes it. */
export function makeTempDir(prefix = 'chaos-lab-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * Settings for a test: the defaults, `.env` ignored, the database and logs inside `dir`, console
 * logging off, `CHAOS_SEED` 1, `ERROR_PROB` 0 and no simulated model latency unless `overrides` say otherwise.
 * @param dir a temporary folder (see {@link makeTempDir})
 * @param overrides environment-style values (`{ TOXIC_PROB: '1' }`)
 * @throws {LabError} `SETTINGS_INVALID` when an override is bad
 */
export function testSettings(dir: string, overrides: Record<string, string> = {}): Settings {
  return loadSettings(
    {
      LAB_DB_PATH: join(dir, 'lab.db'),
      LOG_DIR: join(dir, 'logs'),
      CHARTS_DIR: join(dir, 'charts'),
      LOG_CONSOLE: 'off',
      CHAOS_SEED: '1',
      ERROR_PROB: '0',
      OFFLINE_MODEL_LATENCY_MS: '0',
      // The seven tool proxies only, unless a test asks for model_proxy.
      MODEL_PROXY: 'off',
      ...overrides,
    },
    { dotenv: false },
  );
}
/**
 * Writes `dir/prompts.json` with `count` prompts, cycling through five that the offline model answers
 * with tool calls (weather, calculator, translator, search); returns its path. Creates `dir`.
 */
export function writeToolPrompts(dir: string, count: number): string {
  mkdirSync(dir, { recursive: true });
  const base = [
    "What's the weather in Paris?",
    'What is 12 * 12?',
    "Translate 'Good morning' to French",
    'Weather in Tokyo please',
    'Search for chaos engineering',
  ];
  const path = join(dir, 'prompts.json');
  writeFileSync(path, JSON.stringify(Array.from({ length: count }, (_, i) => ({ prompt: base[i % base.length] }))));
  return path;
}

export * from './testing-metrics.js';
export * from './testing-ports.js';

/** Runs one read-only query on a lab's database file and returns its rows. */
export function queryDatabase<T>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = openDatabase(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** A test CA and a server certificate it signed, PEM. */
export interface TestCertificate {
  /** The CA's certificate: what a client trusts. */
  readonly caPem: string;
  /** The server's certificate (CN and SAN `localhost`, `127.0.0.1`) and private key. */
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * Makes a CA and a server certificate for 127.0.0.1 with Debian's `openssl` (real TLS for a test's
 * HTTPS server, trusted through the CA only: nothing turns verification off). Valid for one day.
 * @param dir a temporary folder for the files (see {@link makeTempDir})
 * @throws when `openssl` is missing or fails (its message)
 */
export function makeTestCertificate(dir: string): TestCertificate {
  const file = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=chaos-lab test CA',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=localhost',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  ssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.pem'),
  );
  return {
    caPem: readFileSync(file('ca.pem'), 'utf8'),
    certPem: readFileSync(file('server.pem'), 'utf8'),
    keyPem: readFileSync(file('server.key'), 'utf8'),
  };
}
