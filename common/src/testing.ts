/**
 * Test support shared by every workspace's tests (imported as `@chaos-lab/common/testing`): temporary
 * folders and settings that point every file the lab writes into one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, type Settings } from './settings.js';

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
export * from './testing-metrics.js';
