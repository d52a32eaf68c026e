/**
 * What the lab hands an agent over HTTP: the {@link LabHandoff} as a JSON file, and its main URLs as
 * environment variables of the command the lab starts (`AGENT_COMMAND`):
 *
 * | variable | holds |
 * |---|---|
 * | `CHAOS_LAB_HANDOFF_FILE` | path of the JSON file (every tool with its proxy URL and HTTP shape) |
 * | `CHAOS_LAB_MODEL_URL` | the OpenAI-compatible base URL of the model, through model_proxy (`…/v1`) |
 * | `CHAOS_LAB_MODEL_NAME` | the model name to ask for |
 * | `CHAOS_LAB_<SERVICE>_URL` | each tool service's base URL through its proxy (`CHAOS_LAB_WEATHER_URL`) |
 * | `CHAOS_LAB_AGENT_HOST`, `CHAOS_LAB_AGENT_PORT` | where to listen: `AGENT_URL`'s host and port |
 * | `CHAOS_LAB_RUN_ID`, `CHAOS_LAB_PROMPT_TIMEOUT_MS` | the run, and the deadline of one prompt attempt (ms) |
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabHandoff } from './contract.js';

/** The handoff file's name, beside the lab database (`state/agent-under-test.json` by default). */
export const HANDOFF_FILE_NAME = 'agent-under-test.json';

/**
 * Writes the handoff file.
 * @param handoff what to hand over
 * @param dir the folder (the lab database's)
 * @returns the file's path
 */
export function writeHandoff(handoff: LabHandoff, dir: string): string {
  const path = join(dir, HANDOFF_FILE_NAME);
  writeFileSync(path, `${JSON.stringify(handoff, null, 2)}\n`);
  return path;
}

/**
 * The environment variables of the agent's command (see the table above).
 * @param handoff what to hand over
 * @param file the handoff file's path
 * @param agentUrl `AGENT_URL`, whose host and port the command should listen on
 */
export function handoffEnv(handoff: LabHandoff, file: string, agentUrl: string): Record<string, string> {
  const url = new URL(agentUrl);
  const env: Record<string, string> = {
    CHAOS_LAB_HANDOFF_FILE: file,
    CHAOS_LAB_MODEL_URL: handoff.model.baseUrl,
    CHAOS_LAB_MODEL_NAME: handoff.model.name,
    CHAOS_LAB_AGENT_HOST: url.hostname.replace(/^\[|\]$/g, ''),
    CHAOS_LAB_AGENT_PORT: url.port || (url.protocol === 'https:' ? '443' : '80'),
    CHAOS_LAB_RUN_ID: handoff.runId,
    CHAOS_LAB_PROMPT_TIMEOUT_MS: String(handoff.promptTimeoutMs),
  };
  for (const [service, proxyUrl] of Object.entries(handoff.proxies))
    env[`CHAOS_LAB_${service.toUpperCase()}_URL`] = proxyUrl;
  return env;
}
