/**
 * Which chat model the agent runs (`LLM_PROVIDER`, DESIGN.md "The agent"):
 *
 *   groq    → ChatGroq (`GROQ_MODEL`, `GROQ_BASE_URL`, `GROQ_MAX_RETRIES`), its HTTP requests counted
 *   offline → the project's deterministic chat model (agent/src/offline), no key, no network
 *   auto    → groq when `GROQ_API_KEY` is set, else offline
 */
import { LabError, type Settings } from '@chaos-lab/common';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { ModelCallCounter } from './model-calls.js';

/** The model of a run and how it was chosen. */
export interface ModelChoice {
  readonly model: BaseChatModel;
  /** What the logs, the `runs.model` column and the report call it, e.g. `groq:llama-3.3-70b-versatile`. */
  readonly label: string;
  /** Why this one, for the start-up line, e.g. `LLM_PROVIDER=auto and GROQ_API_KEY is not set`. */
  readonly reason: string;
}

/** The label of the offline model: what it is, said plainly. */
export const OFFLINE_MODEL_LABEL = 'offline (deterministic)';

/** Which provider `LLM_PROVIDER` selects, with the label and reason, before anything is built. */
export interface ProviderChoice {
  readonly provider: 'groq' | 'offline';
  readonly label: string;
  readonly reason: string;
}

/**
 * Resolves `LLM_PROVIDER` (`auto`: groq when `GROQ_API_KEY` is set, else offline).
 * @throws {LabError} `SETTINGS_INVALID` when `LLM_PROVIDER=groq` and `GROQ_API_KEY` is not set
 */
export function resolveProvider(settings: Settings): ProviderChoice {
  const provider = settings.LLM_PROVIDER;
  if (provider === 'groq' && !settings.GROQ_API_KEY) {
    throw new LabError('SETTINGS_INVALID', 'LLM_PROVIDER=groq: GROQ_API_KEY must be set (or use LLM_PROVIDER=offline)');
  }
  if (provider === 'groq') return { provider, label: `groq:${settings.GROQ_MODEL}`, reason: 'LLM_PROVIDER=groq' };
  if (provider === 'auto' && settings.GROQ_API_KEY) return { provider: 'groq', label: `groq:${settings.GROQ_MODEL}`, reason: 'LLM_PROVIDER=auto and GROQ_API_KEY is set' };
  const why = provider === 'offline' ? 'LLM_PROVIDER=offline' : 'LLM_PROVIDER=auto and GROQ_API_KEY is not set';
  return { provider: 'offline', label: OFFLINE_MODEL_LABEL, reason: `${why}; ${settings.OFFLINE_MODEL_LATENCY_MS} ms simulated think time a call` };
}

/**
 * Chooses and builds the chat model.
 * @param settings `LLM_PROVIDER`, `GROQ_*`, `OFFLINE_MODEL_LATENCY_MS`
 * @param counter counts the Groq client's HTTP requests (its retries)
 * @param now the clock the offline model resolves relative dates against, ms since the epoch
 * @throws {LabError} `SETTINGS_INVALID` when `LLM_PROVIDER=groq` and `GROQ_API_KEY` is not set
 */
export async function chooseModel(settings: Settings, counter: ModelCallCounter, now: () => number): Promise<ModelChoice> {
  const choice = resolveProvider(settings);
  if (choice.provider === 'groq') {
    // Each client is loaded only when chosen: an offline run does not pay for the Groq SDK, nor a Groq run for the offline parsers.
    const { ChatGroq } = await import('@langchain/groq');
    const model = new ChatGroq({
      model: settings.GROQ_MODEL,
      apiKey: settings.GROQ_API_KEY,
      baseUrl: settings.GROQ_BASE_URL,
      maxRetries: settings.GROQ_MAX_RETRIES,
      temperature: 0,
      fetch: counter.fetch,
    });
    return { ...choice, model };
  }
  const { OfflineChatModel } = await import('./offline/index.js');
  return { ...choice, model: new OfflineChatModel({ now: () => new Date(now()), latencyMs: settings.OFFLINE_MODEL_LATENCY_MS }) };
}
