/**
 * The settings profile of a run: the settings that change how the agent meets a fault (its limits,
 * fallback, timeouts, backoff, idempotency keys, transport), the model it asked and the agent under
 * test. Two runs are comparable evidence only when their profiles are equal: a 900 ms latency is
 * harmless under `PROXY_TIMEOUT_MS=5000` and fatal under `PROXY_TIMEOUT_MS=800`, so the knowledge
 * keeps one band per settings profile and never blends two (docs/learning.md, "Settings profiles").
 *
 * This file is the one rule: the knowledge keys its bands by {@link settingsProfile}, the planner
 * writes a profile's {@link PROFILE_SETTINGS} into the experiment it plans (so its runs join that
 * profile's evidence), and `chaos-lab shrink` carries them into its replays.
 */
import { createHash } from 'node:crypto';
import { loadSettings } from '@chaos-lab/common';

/**
 * The settings that make a profile, in the order a label names them. The agent under test
 * (`AGENT_URL`, `AGENT_MODULE`, `AGENT_COMMAND`) is part of it: another agent is another system.
 */
export const PROFILE_SETTINGS = [
  'TOOL_LIMIT',
  'PROMPT_LIMIT',
  'FALLBACK',
  'PROXY_TIMEOUT_MS',
  'FALLBACK_TIMEOUT_MS',
  'PROMPT_TIMEOUT_MS',
  'MODEL_TIMEOUT_MS',
  'MODEL_MAX_RETRIES',
  'TOOL_BACKOFF_BASE_MS',
  'TOOL_BACKOFF_MAX_MS',
  'IDEMPOTENCY_KEYS',
  'TOOL_TRANSPORT',
  'AGENT_CONCURRENCY',
  'AGENT_URL',
  'AGENT_MODULE',
  'AGENT_COMMAND',
] as const;

/** One of {@link PROFILE_SETTINGS}. */
export type ProfileSetting = (typeof PROFILE_SETTINGS)[number];

/** A settings profile. */
export interface SettingsProfile {
  /** 12 hex digits of the SHA-256 of the profile's canonical JSON: the same settings give the same id in any database. */
  readonly id: string;
  /** Each profile setting as the run recorded it; null when the run did not record it (an older run) or it is unset. */
  readonly settings: Readonly<Record<ProfileSetting, string | number | null>>;
  /** `runs.model`, e.g. `offline (deterministic)` or `groq:llama-3.3-70b-versatile`; null when not recorded. */
  readonly model: string | null;
  /** In words: the settings that differ from the defaults, then the model, e.g. `PROXY_TIMEOUT_MS=1000 FALLBACK=off · offline (deterministic)`. */
  readonly label: string;
}

let defaults: Readonly<Record<string, unknown>> | undefined;

/** The settings table's defaults (no environment, no `.env`), read once. */
function defaultSettings(): Readonly<Record<string, unknown>> {
  defaults ??= loadSettings({}, { dotenv: false }) as unknown as Record<string, unknown>;
  return defaults;
}

function valueOf(v: unknown): string | number | null {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return null;
}

/**
 * The profile of a run.
 * @param recorded `runs.settings` parsed (the settings the run was made with; any other key is ignored)
 * @param model `runs.model`
 * @returns its profile; an unrecorded setting reads `?` in the label, never the default (the lab cannot tell)
 */
export function settingsProfile(recorded: Readonly<Record<string, unknown>>, model: string | null): SettingsProfile {
  const settings = Object.fromEntries(PROFILE_SETTINGS.map((k) => [k, valueOf(recorded[k])])) as Record<
    ProfileSetting,
    string | number | null
  >;
  const id = createHash('sha256')
    .update(JSON.stringify([PROFILE_SETTINGS.map((k) => settings[k]), model]))
    .digest('hex')
    .slice(0, 12);
  const base = defaultSettings();
  const differing = PROFILE_SETTINGS.filter((k) => settings[k] !== (valueOf(base[k]) ?? null)).map((k) =>
    k in recorded ? `${k}=${settings[k] ?? '(unset)'}` : `${k}=?`,
  );
  const label = `${differing.length === 0 ? 'defaults' : differing.join(' ')} · ${model ?? 'model ?'}`;
  return { id, settings, model, label };
}

/**
 * The profile's settings as an experiment file's `settings` (or a replay's environment) sets them:
 * every recorded one, so the runs made with them fall in the same profile.
 */
export function profileOverrides(profile: SettingsProfile): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const k of PROFILE_SETTINGS) {
    const v = profile.settings[k];
    if (v !== null) out[k] = v;
  }
  return out;
}
