/**
 * The proxy-manager's only way to Toxiproxy: `toxiproxy-node-client` with a timeout on every call and
 * a bounded retry with backoff.
 *
 * Works unchanged against real Toxiproxy 2.12.0 and the project's compatible server (`toxiproxy/`;
 * see docs/toxiproxy.md). Two things the client does not do are added on its own axios instance
 * (`client.getApi()`): a hard per-call deadline (an abort signal, besides axios's socket timeout), and
 * listing proxies with their toxics (`GET /proxies` already returns them; the client's `Proxy` drops
 * them). The client's response interceptor is replaced because it reduces every failure to axios's
 * message, losing the HTTP status the retry policy needs and Toxiproxy's own error text
 * (`proxy already exists`, `listen tcp …: address already in use`) that the logs should show.
 */
import { LabError, type Logger, type ToxicType } from '@chaos-lab/common';
import {
  Proxy,
  Toxic,
  Toxiproxy,
  type ICreateToxicBody,
  type ToxicType as ClientToxicType,
} from 'toxiproxy-node-client';
import type { Clock } from '../util/clock.js';
import { withRetry, type RetryPolicy } from './retry.js';

/** A direction of a Toxiproxy proxy: upstream = client → server, downstream = server → client. */
export type Stream = 'upstream' | 'downstream';

/** A toxic as Toxiproxy reports it. */
export interface ToxicState {
  readonly name: string;
  readonly type: string;
  readonly stream: Stream;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A proxy as Toxiproxy reports it. `listen` is the bound address (`localhost:0` → `127.0.0.1:43669`). */
export interface ProxyState {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  readonly enabled: boolean;
  readonly toxics: readonly ToxicState[];
}

/** What a proxy should be: its name, `listen` address and `upstream` address (`host:port` each). */
export interface ProxyConfig {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
}

/** A toxic to add: Toxiproxy's create-toxic body. */
export interface ToxicRequest {
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: Stream;
  readonly toxicity: number;
  readonly attributes: Readonly<Record<string, number>>;
}

/** Why a call failed, in `LabError.details.reason` of a `TOXIPROXY` error. */
export type FailureReason = 'timeout' | 'unreachable' | 'http' | 'invalid_response';

/** Per-call options. */
export interface CallOptions {
  /** Attempts in all (default: the gateway's policy, 3). Probes that must answer fast use 1. */
  readonly attempts?: number;
}

/** The default retry policy: 3 attempts, waiting 100 ms then 200 ms. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 1000 };

/** Options of {@link ToxiproxyGateway}. */
export interface ToxiproxyGatewayOptions {
  /** Toxiproxy's API, e.g. `http://127.0.0.1:8474`. */
  readonly url: string;
  /** Deadline of one attempt of one call, ms. */
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly retry?: RetryPolicy;
}

interface AxiosLikeError {
  isAxiosError: true;
  code?: string;
  message: string;
  response?: { status: number; data?: unknown };
}

function isAxiosLike(err: unknown): err is AxiosLikeError {
  return typeof err === 'object' && err !== null && (err as { isAxiosError?: unknown }).isAxiosError === true;
}

const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ERR_CANCELED']);

/** Maps a failed attempt to a `TOXIPROXY` LabError naming the operation, the reason and Toxiproxy's message. */
function toCallError(operation: string, url: string, timeoutMs: number, err: unknown): LabError {
  if (err instanceof LabError) return err;
  if (isAxiosLike(err) && err.response) {
    const status = err.response.status;
    const data = err.response.data as { error?: unknown } | undefined;
    const detail = typeof data?.error === 'string' ? data.error : err.message;
    return new LabError('TOXIPROXY', `Toxiproxy ${operation}: HTTP ${status} ${detail}`, {
      details: { operation, reason: 'http' satisfies FailureReason, httpStatus: status, toxiproxyError: detail },
    });
  }
  const code = isAxiosLike(err) ? err.code : undefined;
  if (code && TIMEOUT_CODES.has(code)) {
    return new LabError('TOXIPROXY', `Toxiproxy ${operation}: no answer from ${url} within ${timeoutMs} ms`, {
      details: { operation, reason: 'timeout' satisfies FailureReason, timeoutMs },
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LabError('TOXIPROXY', `Toxiproxy ${operation}: cannot reach ${url}: ${message}`, {
    details: { operation, reason: 'unreachable' satisfies FailureReason, errorCode: code },
  });
}

/** True for failures another attempt may cure: no answer, or a 5xx/408/429 status. */
export function isRetryableToxiproxyError(err: unknown): boolean {
  if (!(err instanceof LabError) || err.code !== 'TOXIPROXY') return false;
  const reason = err.details?.reason as FailureReason | undefined;
  if (reason === 'timeout' || reason === 'unreachable') return true;
  const status = err.details?.httpStatus as number | undefined;
  return reason === 'http' && status !== undefined && (status >= 500 || status === 408 || status === 429);
}

/** The HTTP status of a failed call, when Toxiproxy answered one. */
export function toxiproxyHttpStatus(err: unknown): number | undefined {
  return err instanceof LabError && err.code === 'TOXIPROXY'
    ? (err.details?.httpStatus as number | undefined)
    : undefined;
}

function invalid(operation: string, what: string): LabError {
  return new LabError('TOXIPROXY', `Toxiproxy ${operation}: unexpected answer: ${what}`, {
    details: { operation, reason: 'invalid_response' satisfies FailureReason },
  });
}

function parseToxic(operation: string, raw: unknown): ToxicState {
  const t = raw as Partial<ToxicState> | null;
  if (typeof t !== 'object' || t === null || typeof t.name !== 'string' || typeof t.type !== 'string') {
    throw invalid(operation, 'a toxic without name or type');
  }
  return {
    name: t.name,
    type: t.type,
    stream: t.stream === 'upstream' ? 'upstream' : 'downstream',
    toxicity: typeof t.toxicity === 'number' ? t.toxicity : 1,
    attributes: typeof t.attributes === 'object' && t.attributes !== null ? t.attributes : {},
  };
}

function parseProxy(operation: string, raw: unknown): ProxyState {
  const p = raw as Partial<Record<keyof ProxyState, unknown>> | null;
  if (
    typeof p !== 'object' ||
    p === null ||
    typeof p.name !== 'string' ||
    typeof p.listen !== 'string' ||
    typeof p.upstream !== 'string'
  ) {
    throw invalid(operation, 'a proxy without name, listen or upstream');
  }
  const toxics = Array.isArray(p.toxics) ? p.toxics.map((t) => parseToxic(operation, t)) : [];
  return { name: p.name, listen: p.listen, upstream: p.upstream, enabled: p.enabled !== false, toxics };
}

/** Toxiproxy's REST API through `toxiproxy-node-client`, each call with a deadline and bounded retry. */
export class ToxiproxyGateway {
  /** The API's base URL. */
  readonly url: string;
  private readonly client: Toxiproxy;
  private readonly options: ToxiproxyGatewayOptions;
  private readonly retry: RetryPolicy;

  constructor(options: ToxiproxyGatewayOptions) {
    this.options = options;
    this.url = options.url.replace(/\/+$/, '');
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.client = new Toxiproxy(this.url);
    const api = this.client.getApi();
    api.defaults.timeout = options.timeoutMs;
    api.interceptors.request.use((config) => {
      config.signal ??= AbortSignal.timeout(options.timeoutMs);
      return config;
    });
    api.interceptors.response.clear();
  }

  /** Toxiproxy's version (`GET /version`), e.g. `2.12.0`. */
  async version(options?: CallOptions): Promise<string> {
    return this.call('get version', options, async () => {
      const response = (await this.client.getVersion()) as unknown as { data: unknown };
      const data = response.data as { version?: unknown } | string;
      if (typeof data === 'string') return data.trim();
      if (typeof data?.version === 'string') return data.version;
      throw invalid('get version', 'no version');
    });
  }

  /** Every proxy with its toxics (`GET /proxies`), sorted by name. */
  async listProxies(options?: CallOptions): Promise<ProxyState[]> {
    return this.call('list proxies', options, async () => {
      const { data } = await this.client.getApi().get<unknown>(`${this.url}/proxies`);
      if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw invalid('list proxies', 'not an object of proxies');
      return Object.values(data)
        .map((p) => parseProxy('list proxies', p))
        .sort((a, b) => a.name.localeCompare(b.name));
    });
  }

  /** Creates an enabled proxy (`POST /proxies`). A 409 means it exists already. */
  async createProxy(config: ProxyConfig, options?: CallOptions): Promise<void> {
    await this.call(`create proxy ${config.name}`, options, () =>
      this.client.createProxy({ ...config, enabled: true }),
    );
  }

  /** Sets a proxy's listen and upstream and enables it (`POST /proxies/{name}`). */
  async updateProxy(config: ProxyConfig, options?: CallOptions): Promise<void> {
    await this.call(`update proxy ${config.name}`, options, () =>
      this.proxyHandle(config.name).update({ ...config, enabled: true }),
    );
  }

  /** Adds a toxic to a proxy (`POST /proxies/{proxy}/toxics`). */
  async addToxic(proxy: string, toxic: ToxicRequest, options?: CallOptions): Promise<void> {
    // The client's type union lacks `noop`, which Toxiproxy accepts.
    const body = { ...toxic, type: toxic.type as ClientToxicType } as ICreateToxicBody<Record<string, number>>;
    await this.call(`add toxic ${toxic.name} to ${proxy}`, options, () => this.proxyHandle(proxy).addToxic(body));
  }

  /**
   * Removes a toxic (`DELETE /proxies/{proxy}/toxics/{toxic}`).
   * @returns false when it was already gone (404: no such toxic or proxy)
   */
  async removeToxic(proxy: string, toxic: ToxicState | ToxicRequest, options?: CallOptions): Promise<boolean> {
    const body = { ...toxic, type: toxic.type as ClientToxicType } as ICreateToxicBody<unknown>;
    try {
      await this.call(`remove toxic ${toxic.name} from ${proxy}`, options, () =>
        new Toxic(this.client.getApi(), this.proxyHandle(proxy).getPath(), body).remove(),
      );
      return true;
    } catch (err) {
      if (toxiproxyHttpStatus(err) === 404) return false;
      throw err;
    }
  }

  /** A client `Proxy` for a name, for the client's per-proxy calls without fetching the proxy first. */
  private proxyHandle(name: string): Proxy {
    return new Proxy(this.client, { name, listen: '', upstream: '', enabled: true, toxics: [] });
  }

  private call<T>(operation: string, options: CallOptions | undefined, fn: () => Promise<T>): Promise<T> {
    const { logger, clock, timeoutMs } = this.options;
    return withRetry(
      async () => {
        try {
          return await fn();
        } catch (err) {
          throw toCallError(operation, this.url, timeoutMs, err);
        }
      },
      {
        ...this.retry,
        attempts: options?.attempts ?? this.retry.attempts,
        retryable: isRetryableToxiproxyError,
        sleep: (ms) => clock.sleep(ms),
        onRetry: (err, attempt, delayMs) =>
          logger.debug({ operation, attempt, delayMs, err: (err as Error).message }, 'Toxiproxy call failed; retrying'),
      },
    );
  }
}
