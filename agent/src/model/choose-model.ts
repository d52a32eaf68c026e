/**
 * Which chat model the agent runs (`LLM_PROVIDER`, docs/models-and-llm-faults.md). Every model is reached
 * over HTTP through a LangChain client, so the offline default exercises what a hosted provider does:
 *
 *   offline → ChatOpenAI at the lab's model server (model/), through `model_proxy` (`MODEL_URL`)
 *   openai  → ChatOpenAI at any OpenAI-compatible endpoint (`OPENAI_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_MODEL`)
 *   groq    → ChatGroq (`GROQ_MODEL`, `GROQ_BASE_URL`, `GROQ_MAX_RETRIES`)
 *   anthropic → ChatAnthropic (`ANTHROPIC_API_KEY`, `ANTHROPIC_MODEL`, `ANTHROPIC_BASE_URL`), Anthropic's
 *             Messages API
 *   auto    → groq when `GROQ_API_KEY` is set, else offline
 *
 * With `MODEL_UPSTREAM_URL`, openai, groq and anthropic reach their provider through `model_proxy` and
 * the lab's model gateway, which forwards to the provider over HTTPS (model/src/upstream.ts; the
 * Messages API: model/src/anthropic/) with its LLM faults.
 *
 * Every client gets the counter's `fetch`, which measures and records each HTTP request (model-calls.ts).
 */
import { LabError, modelBaseUrl, type Settings } from '@chaos-lab/common';
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

/** The model name the agent asks the offline model server for (model/src/app.ts `OFFLINE_MODEL_ID`). */
const OFFLINE_MODEL_NAME = 'chaos-lab-offline';

/** The model gateway's origin (its `/v1` base without `/v1`), for SDKs that append their API's path to it. */
const gatewayOrigin = (settings: Settings) => modelBaseUrl(settings).replace(/\/v1$/, '');

/** Which provider `LLM_PROVIDER` selects, with the label and reason, before anything is built. */
export interface ProviderChoice {
  readonly provider: 'groq' | 'openai' | 'anthropic' | 'offline';
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
  const via =
    settings.MODEL_UPSTREAM_URL === undefined
      ? ''
      : `, through the model gateway at ${modelBaseUrl(settings)} to ${settings.MODEL_UPSTREAM_URL}`;
  if (provider === 'groq') return { provider, label: `groq:${settings.GROQ_MODEL}`, reason: `LLM_PROVIDER=groq${via}` };
  if (provider === 'anthropic') {
    if (!settings.ANTHROPIC_API_KEY)
      throw new LabError(
        'SETTINGS_INVALID',
        'LLM_PROVIDER=anthropic: ANTHROPIC_API_KEY must be set (or use LLM_PROVIDER=offline)',
      );
    const where = settings.MODEL_UPSTREAM_URL ?? settings.ANTHROPIC_BASE_URL ?? "Anthropic's API";
    return {
      provider,
      label: `anthropic:${settings.ANTHROPIC_MODEL}`,
      reason: `LLM_PROVIDER=anthropic at ${where}${via}`,
    };
  }
  if (provider === 'openai') {
    const where = settings.MODEL_UPSTREAM_URL ?? settings.OPENAI_BASE_URL ?? "OpenAI's API";
    return { provider, label: `openai:${settings.OPENAI_MODEL}`, reason: `LLM_PROVIDER=openai at ${where}${via}` };
  }
  if (provider === 'auto' && settings.GROQ_API_KEY)
    return {
      provider: 'groq',
      label: `groq:${settings.GROQ_MODEL}`,
      reason: 'LLM_PROVIDER=auto and GROQ_API_KEY is set',
    };
  const why = provider === 'offline' ? 'LLM_PROVIDER=offline' : 'LLM_PROVIDER=auto and GROQ_API_KEY is not set';
  return {
    provider: 'offline',
    label: OFFLINE_MODEL_LABEL,
    reason: `${why}; the lab's model server at ${modelBaseUrl(settings)}`,
  };
}

/**
 * Chooses and builds the chat model.
 * @param settings `LLM_PROVIDER`, `GROQ_*`, `OPENAI_*`, `ANTHROPIC_*`, `MODEL_URL`, `MODEL_UPSTREAM_URL`, `MODEL_TIMEOUT_MS`, `MODEL_MAX_RETRIES`
 * @param counter measures the client's HTTP requests (its retries included)
 * @throws {LabError} `SETTINGS_INVALID` when `LLM_PROVIDER=groq` and `GROQ_API_KEY` is not set
 */
export async function chooseModel(
  settings: Settings,
  counter: ModelCallCounter,
): Promise<ModelChoice & ProviderChoice> {
  const choice = resolveProvider(settings);
  if (choice.provider === 'groq') {
    // Each client is loaded only when chosen.
    const { ChatGroq } = await import('@langchain/groq');
    const model = new ChatGroq({
      model: settings.GROQ_MODEL,
      apiKey: settings.GROQ_API_KEY,
      // Groq's SDK appends /openai/v1/… to its base: the gateway's origin serves that path too.
      baseUrl: settings.MODEL_UPSTREAM_URL === undefined ? settings.GROQ_BASE_URL : gatewayOrigin(settings),
      maxRetries: settings.GROQ_MAX_RETRIES,
      timeout: settings.MODEL_TIMEOUT_MS,
      temperature: 0,
      fetch: counter.fetch,
    });
    return { ...choice, model };
  }
  if (choice.provider === 'anthropic') {
    const { ChatAnthropic } = await import('@langchain/anthropic');
    const model = new ChatAnthropic({
      model: settings.ANTHROPIC_MODEL,
      apiKey: settings.ANTHROPIC_API_KEY,
      // The SDK appends /v1/messages to its base: the gateway's origin serves that path.
      anthropicApiUrl:
        settings.MODEL_UPSTREAM_URL === undefined ? settings.ANTHROPIC_BASE_URL : gatewayOrigin(settings),
      maxRetries: settings.MODEL_MAX_RETRIES,
      temperature: 0,
      clientOptions: { fetch: counter.fetch, timeout: settings.MODEL_TIMEOUT_MS },
    });
    return { ...choice, model };
  }
  const { ChatOpenAI } = await import('@langchain/openai');
  const offline = choice.provider === 'offline';
  const model = new ChatOpenAI({
    model: offline ? OFFLINE_MODEL_NAME : settings.OPENAI_MODEL,
    // A local server without keys takes any; the SDK refuses to start without one.
    apiKey: offline ? 'offline' : (settings.OPENAI_API_KEY ?? 'none'),
    maxRetries: settings.MODEL_MAX_RETRIES,
    timeout: settings.MODEL_TIMEOUT_MS,
    temperature: 0,
    configuration: {
      baseURL: offline || settings.MODEL_UPSTREAM_URL !== undefined ? modelBaseUrl(settings) : settings.OPENAI_BASE_URL,
      fetch: counter.fetch,
    },
  });
  return { ...choice, model };
}
