/**
 * The one settings schema (the table of shape.ts with the rules that tie one setting to another) and
 * the validated {@link Settings} every part is given.
 */
import { z } from 'zod';
import { settingsShape } from './shape.js';

/** The one settings schema, with the rules that tie one setting to another. */
export const settingsSchema = z.object(settingsShape).superRefine((s, ctx) => {
  // Refused here rather than by the agent, which only learns it after the whole lab has started.
  if (s.LLM_PROVIDER === 'groq' && s.GROQ_API_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['LLM_PROVIDER'],
      message: 'GROQ_API_KEY must be set (or use LLM_PROVIDER=offline, or auto)',
    });
  }
  if (s.AGENT_MODULE !== undefined && s.AGENT_URL !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['AGENT_MODULE'],
      message: 'set AGENT_MODULE or AGENT_URL, not both: the lab runs one agent',
    });
  }
  if (s.AGENT_COMMAND !== undefined && s.AGENT_URL === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['AGENT_COMMAND'],
      message: 'AGENT_URL must be set too: where the started command serves the agent',
    });
  }
  // Service-side records are joined to the prompt that was running when they arrived: one at a time.
  if (s.AGENT_URL !== undefined && s.AGENT_CONCURRENCY !== 1) {
    ctx.addIssue({
      code: 'custom',
      path: ['AGENT_CONCURRENCY'],
      message: "must be 1 with AGENT_URL: the lab joins the services' records to the prompt running when they arrived",
    });
  }
  if (s.LLM_PROVIDER === 'anthropic' && s.ANTHROPIC_API_KEY === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['LLM_PROVIDER'],
      message: 'ANTHROPIC_API_KEY must be set (or use LLM_PROVIDER=offline, or auto)',
    });
  }
});

type Parsed = z.output<typeof settingsSchema>;

/** Validated settings. Paths are absolute; `CHAOS_SEED` is always a number (fresh when not given). */
export interface Settings
  extends Omit<
    Parsed,
    'CHAOS_SEED' | 'PROXY_MANAGER_PORT' | 'TOXIPROXY_URL' | 'PROXY_MANAGER_URL' | 'AGENT_METRICS_PORT'
  > {
  /** The seed in force: `CHAOS_SEED` when given, else a fresh one. */
  readonly CHAOS_SEED: number;
  /** True when `CHAOS_SEED` was given rather than drawn. */
  readonly seedGiven: boolean;
  readonly PROXY_MANAGER_PORT: number;
  readonly TOXIPROXY_URL: string;
  readonly PROXY_MANAGER_URL: string;
  /** The agent's metrics port; 0 = none. */
  readonly AGENT_METRICS_PORT: number;
  /** Per-service host overrides from `<SERVICE>_TOOL_HOST` (e.g. `WEATHER_TOOL_HOST=weather_tool`). */
  readonly toolHosts: Readonly<Record<string, string>>;
}
