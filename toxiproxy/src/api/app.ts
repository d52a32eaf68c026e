/**
 * The REST API of Toxiproxy 2.12.0 (`api.go`): every endpoint, status, message and check order of
 * the real server (docs/toxiproxy.md). Requests that change state run one at a time, in arrival order,
 * so a create and a populate never interleave. Bad input is answered from the error table and never
 * throws out of the handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@chaos-lab/common';
import type { ProxyMetrics } from '../metrics.js';
import type { ProxyCollection } from '../proxy/collection.js';
import type { Proxy } from '../proxy/proxy.js';
import { toxicShape, type ToxicRecord } from '../proxy/toxic-collection.js';
import { ApiError, ErrToxicNotFound, internalError } from './errors.js';
import { apiErrorReply, emptyReply, jsonReply, readBody, sendReply, textErrorReply, type Reply } from './http.js';
import {
  parseBody,
  populateInput,
  proxyCreateInput,
  proxyUpdateInput,
  toxicCreateInput,
  toxicUpdateInput,
} from './inputs.js';
import { createRequestIds } from './request-id.js';
import { Router } from './router.js';

/** The Toxiproxy version this server answers as. */
export const TOXIPROXY_VERSION = '2.12.0';

/** What the API works on. */
export interface ToxiproxyApiDeps {
  proxies: ProxyCollection;
  metrics: ProxyMetrics;
  logger: Logger;
  /** Request-id source (default: xid-style ids). */
  requestId?: () => string;
}

/** A request as a handler sees it. */
interface Request {
  params: Record<string, string>;
  /** The raw body text. */
  text: string;
}

type Handler = (request: Request) => Reply | Promise<Reply>;

/** Runs state-changing work one piece at a time, in order. */
function createSerialQueue(): <T>(work: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** An error as the API answers it: table errors as they are, anything else a 500 with its message. */
function asApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  return internalError(err instanceof Error ? err.message : String(err));
}

/**
 * Builds the API's request handler.
 * @param deps the proxy collection, metrics and logger
 * @returns a `node:http` request listener
 */
export function createToxiproxyApi(deps: ToxiproxyApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { proxies, metrics, logger } = deps;
  const nextRequestId = deps.requestId ?? createRequestIds();
  const serial = createSerialQueue();
  const toxicOf = (proxy: Proxy, name: string): ToxicRecord => {
    const toxic = proxy.toxics.find(name);
    if (!toxic) throw ErrToxicNotFound;
    return toxic;
  };

  /** `/populate`: errors keep the `{"error","status","proxies"}` shape, with the proxies done so far. */
  const populate = (text: string): Promise<Reply> =>
    serial(async () => {
      const done: Proxy[] = [];
      // Go writes an empty proxy list as `null`.
      const shape = (error?: ApiError) => ({
        ...(error ? { error: error.message, status: error.status } : {}),
        proxies: done.length > 0 ? done.map((p) => p.toJSON()) : null,
      });
      try {
        for (const input of populateInput(parseBody(text))) done.push(await proxies.addOrReplace(input));
        return jsonReply(201, shape());
      } catch (err) {
        const error = asApiError(err);
        return jsonReply(error.status, shape(error));
      }
    });

  const router = new Router<Handler>()
    .add(['POST'], '/reset', () =>
      serial(async () => {
        for (const proxy of proxies.all()) {
          await proxy.start();
          proxy.toxics.reset();
        }
        return emptyReply(204);
      }),
    )
    .add(['GET'], '/proxies', () => jsonReply(200, Object.fromEntries(proxies.all().map((p) => [p.name, p.toJSON()]))))
    .add(['POST'], '/proxies', ({ text }) =>
      serial(async () => {
        const proxy = await proxies.add(proxyCreateInput(parseBody(text)));
        return jsonReply(201, proxy.toJSON());
      }),
    )
    .add(['POST'], '/populate', ({ text }) => populate(text))
    .add(['GET'], '/proxies/{proxy}', ({ params }) => jsonReply(200, proxies.get(params.proxy!).toJSON()))
    .add(['POST', 'PATCH'], '/proxies/{proxy}', ({ params, text }) =>
      serial(async () => {
        const proxy = proxies.get(params.proxy!);
        await proxy.update(proxyUpdateInput(parseBody(text), proxy));
        return jsonReply(200, proxy.toJSON());
      }),
    )
    .add(['DELETE'], '/proxies/{proxy}', ({ params }) =>
      serial(async () => {
        await proxies.remove(params.proxy!);
        return emptyReply(204);
      }),
    )
    .add(['GET'], '/proxies/{proxy}/toxics', ({ params }) => jsonReply(200, proxies.get(params.proxy!).toxics.toJSON()))
    .add(['POST'], '/proxies/{proxy}/toxics', ({ params, text }) =>
      serial(async () => {
        const proxy = proxies.get(params.proxy!);
        const toxic = toxicCreateInput(parseBody(text), (name) => proxy.toxics.find(name) !== undefined);
        proxy.toxics.add(toxic);
        return jsonReply(200, toxicShape(toxic));
      }),
    )
    .add(['GET'], '/proxies/{proxy}/toxics/{toxic}', ({ params }) =>
      jsonReply(200, toxicShape(toxicOf(proxies.get(params.proxy!), params.toxic!))),
    )
    .add(['POST', 'PATCH'], '/proxies/{proxy}/toxics/{toxic}', ({ params, text }) =>
      serial(async () => {
        const proxy = proxies.get(params.proxy!);
        const toxic = toxicOf(proxy, params.toxic!);
        const updated = proxy.toxics.update(toxic.name, toxicUpdateInput(parseBody(text), toxic));
        return jsonReply(200, toxicShape(updated ?? toxic));
      }),
    )
    .add(['DELETE'], '/proxies/{proxy}/toxics/{toxic}', ({ params }) =>
      serial(async () => {
        const proxy = proxies.get(params.proxy!);
        if (!proxy.toxics.remove(params.toxic!)) throw ErrToxicNotFound;
        return emptyReply(204);
      }),
    )
    .add(['GET'], '/version', () => ({
      status: 200,
      headers: { 'Content-Type': 'application/json;charset=utf-8' },
      body: `{"version": "${TOXIPROXY_VERSION}"}\n`,
    }));
  if (metrics.enabled) {
    router.add('*', '/metrics', async () => {
      const { contentType, body } = await metrics.render();
      return { status: 200, headers: { 'Content-Type': contentType }, body };
    });
  }

  const handle = async (req: IncomingMessage): Promise<Reply> => {
    const match = router.match(req.method ?? 'GET', req.url ?? '/');
    switch (match.kind) {
      case 'redirect':
        return { status: 301, headers: { Location: match.location } };
      case 'method-not-allowed':
        return emptyReply(405);
      case 'not-found':
        return textErrorReply(404, '404 page not found');
    }
    // The API is not for browsers: refusing them closes the door to cross-site requests.
    if ((req.headers['user-agent'] ?? '').startsWith('Mozilla/')) return textErrorReply(403, 'User agent not allowed');
    try {
      const text = await readBody(req);
      return await match.handler({ params: match.params, text });
    } catch (err) {
      const error = asApiError(err);
      if (error.status >= 500)
        logger.warn({ err: error.message, method: req.method, url: req.url }, 'API request failed');
      return apiErrorReply(error);
    }
  };

  return (req, res) => {
    const started = performance.now();
    const requestId = nextRequestId();
    handle(req)
      .catch((err: unknown) => apiErrorReply(asApiError(err)))
      .then((reply) => {
        sendReply(res, reply, requestId);
        logger.debug(
          {
            request_id: requestId,
            method: req.method,
            url: req.url,
            status: reply.status,
            durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          },
          'API request',
        );
      });
  };
}
