/**
 * Reading the settings from the environment: the real environment, then `.env` at the project root
 * (when present), then the defaults of the table. A bad value throws a {@link LabError}
 * `SETTINGS_INVALID` whose message has one line per bad variable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { isLabError, LabError } from '../errors.js';
import { labFileProblems } from '../lab-file/services.js';
import { PROJECT_ROOT, resolveFromRoot } from '../paths.js';
import { checkLabPaths } from '../preflight.js';
import { freshSeed } from '../random.js';
import { AGENT_METRICS_PORT, PROXY_MANAGER_PORT, TOXIPROXY_API_PORT } from '../registry.js';
import { settingsSchema, type Settings } from './schema.js';
import { settingsShape } from './shape.js';

/** Variables as the environment gives them. */
type RawEnv = Record<string, string | undefined>;

/** Reads `.env` at the project root (or `envFile`), returning {} when it does not exist. */
export function readDotenv(envFile = join(PROJECT_ROOT, '.env')): RawEnv {
  if (!existsSync(envFile)) return {};
  return parseDotenv(readFileSync(envFile));
}

/**
 * Validates settings.
 * @param env the environment (default `process.env`), winning over `.env`
 * @param options `dotenv: false` skips the `.env` file (tests); `envFile` reads another one
 * @returns frozen {@link Settings}
 * @throws {LabError} `SETTINGS_INVALID`, message one line per bad variable: `NAME=value: rule`; its
 *   details hold the same lines (`problems`) and, line for line, the variable each names (`variables`),
 *   so a caller that layered overrides on the environment can tell whose value was bad
 */
export function loadSettings(
  env: RawEnv = process.env,
  options: { dotenv?: boolean; envFile?: string } = {},
): Settings {
  const merged: RawEnv = { ...(options.dotenv === false ? {} : readDotenv(options.envFile)), ...env };
  const input: RawEnv = {};
  for (const key of Object.keys(settingsShape)) input[key] = merged[key];
  const result = settingsSchema.safeParse(input);
  if (!result.success) {
    const variables = result.error.issues.map((issue) => String(issue.path[0]));
    const lines = result.error.issues.map(
      (issue, i) => `${variables[i]}=${merged[variables[i]!] ?? ''}: ${issue.message}`,
    );
    throw new LabError('SETTINGS_INVALID', lines.join('\n'), { details: { problems: lines, variables } });
  }
  const s = result.data;
  // Any service's, not only the registry's: a lab file may declare more (lab-file/schema.ts names).
  const toolHosts: Record<string, string> = {};
  for (const [key, value] of Object.entries(merged)) {
    const m = /^([A-Z][A-Z0-9_]*)_TOOL_HOST$/.exec(key);
    if (m && value?.trim()) toolHosts[m[1]!.toLowerCase()] = value.trim();
  }
  const pmPort = s.PROXY_MANAGER_PORT ?? PROXY_MANAGER_PORT + s.PORT_OFFSET;
  return Object.freeze({
    ...s,
    CHAOS_SEED: s.CHAOS_SEED ?? freshSeed(),
    seedGiven: s.CHAOS_SEED !== undefined,
    PROXY_MANAGER_PORT: pmPort,
    TOXIPROXY_URL: s.TOXIPROXY_URL ?? `http://127.0.0.1:${TOXIPROXY_API_PORT + s.PORT_OFFSET}`,
    PROXY_MANAGER_URL: s.PROXY_MANAGER_URL ?? `http://127.0.0.1:${pmPort}`,
    AGENT_METRICS_PORT: s.AGENT_METRICS_PORT ?? AGENT_METRICS_PORT + s.PORT_OFFSET,
    PROMPTS_FILE: resolveFromRoot(s.PROMPTS_FILE),
    LAB_FILE: resolveFromRoot(s.LAB_FILE),
    LAB_DB_PATH: resolveFromRoot(s.LAB_DB_PATH),
    LOG_DIR: resolveFromRoot(s.LOG_DIR),
    CHARTS_DIR: resolveFromRoot(s.CHARTS_DIR),
    AGENT_MODULE: s.AGENT_MODULE === undefined ? undefined : resolveFromRoot(s.AGENT_MODULE),
    toolHosts: Object.freeze(toolHosts),
  }) as Settings;
}

/** Settings with secrets redacted, for logs and the `runs.settings` column. */
export function publicSettings(s: Settings): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  if (s.GROQ_API_KEY) out.GROQ_API_KEY = '(set)';
  if (s.OPENAI_API_KEY) out.OPENAI_API_KEY = '(set)';
  if (s.ANTHROPIC_API_KEY) out.ANTHROPIC_API_KEY = '(set)';
  return out;
}

let cached: Settings | undefined;

/**
 * The process's settings, read once from `process.env` and `.env`, then checked against the machine
 * (the database file and the folders: {@link checkLabPaths}). A program entry calls this first; on a
 * bad value or an unusable path it writes the problems to stderr, one line each, and exits with
 * status 2 before anything starts.
 */
export function settings(): Settings {
  if (cached) return cached;
  let problems: string[];
  try {
    const loaded = loadSettings();
    problems = [...checkLabPaths(loaded), ...labFileProblems(loaded.LAB_FILE)];
    if (problems.length === 0) {
      cached = loaded;
      return loaded;
    }
  } catch (err) {
    if (!isLabError(err, 'SETTINGS_INVALID')) throw err;
    problems = err.message.split('\n');
  }
  process.stderr.write(`chaos-lab: invalid settings\n${problems.join('\n')}\n`);
  process.exit(2);
}
