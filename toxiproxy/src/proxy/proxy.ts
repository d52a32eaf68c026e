/**
 * A proxy: a TCP listener that forwards every accepted client to its upstream through the proxy's
 * toxics (Toxiproxy 2.12.0 `proxy.go`).
 *
 *   client ──► listen ──► [Connection: upstream link ⇄ downstream link] ──► upstream
 *
 * Enabled means listening. Disabling (the "down" fault) closes the listener, so new connections are
 * refused, and closes every open connection.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger, Random } from '@chaos-lab/common';
import type { ApiProxy } from '../api/shapes.js';
import { internalError } from '../api/errors.js';
import type { Clock } from '../clock.js';
import { Connection } from '../link/connection.js';
import type { Link } from '../link/link.js';
import type { Direction } from '../link/types.js';
import type { ProxyMetrics } from '../metrics.js';
import {
  AddressError,
  bindErrorMessage,
  formatAddress,
  parseUpstream,
  resolvedListen,
  resolveListen,
  type BindTarget,
} from './address.js';
import { ToxicCollection } from './toxic-collection.js';

/** What every proxy of a server shares. */
export interface ProxyEnvironment {
  clock: Clock;
  /** The server's random source; each proxy forks its own by name. */
  random: Random;
  logger: Logger;
  metrics: ProxyMetrics;
}

/** The fields of a proxy that an update may change. */
export interface ProxySettings {
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** One proxy. */
export class Proxy {
  readonly name: string;
  /** As sent until the proxy first listens; then the address actually bound (`127.0.0.1:43669`). */
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics: ToxicCollection;
  private server: Server | undefined;
  private readonly connections = new Set<Connection>();
  private connectionCount = 0;
  private readonly random: Random;
  private readonly logger: Logger;

  constructor(
    name: string,
    listen: string,
    upstream: string,
    private readonly env: ProxyEnvironment,
  ) {
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
    this.random = env.random.fork(`proxy:${name}`);
    this.logger = env.logger.child({ proxy: name });
    this.toxics = new ToxicCollection((direction) => this.links(direction));
  }

  /** The live links of a direction. */
  private *links(direction: Direction): Iterable<Link> {
    for (const connection of this.connections) {
      const link = connection.link(direction);
      if (link) yield link;
    }
  }

  /**
   * Starts listening on {@link listen}; `listen` becomes the bound address.
   * @throws {ApiError} 500 with Go's listen error, e.g. `listen tcp 127.0.0.1:18081: bind: address already in use`
   */
  async start(): Promise<void> {
    if (this.enabled) return;
    let target: BindTarget;
    try {
      target = await resolveListen(this.listen);
    } catch (err) {
      if (err instanceof AddressError) throw internalError(`listen tcp: ${err.message}`);
      throw err;
    }
    const server = createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true }, (socket) =>
      this.accept(socket),
    );
    try {
      await listen(server, target.ip, target.port);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (target.wildcard && (code === 'EAFNOSUPPORT' || code === 'EADDRNOTAVAIL')) {
        // No IPv6 here: Go falls back to the IPv4 wildcard too.
        await listen(server, '0.0.0.0', target.port).catch((e: NodeJS.ErrnoException) => {
          throw internalError(bindErrorMessage(target, e));
        });
      } else {
        throw internalError(bindErrorMessage(target, err as NodeJS.ErrnoException));
      }
    }
    server.on('error', (err) => this.logger.warn({ err: err.message }, 'proxy listener error'));
    const address = server.address();
    if (address && typeof address === 'object') this.listen = formatAddress(address.address, address.port);
    this.server = server;
    this.enabled = true;
    this.logger.info({ listen: this.listen, upstream: this.upstream }, 'started proxy');
  }

  /** Stops listening and closes every connection. */
  async stop(): Promise<void> {
    if (!this.enabled) return;
    this.enabled = false;
    const server = this.server;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server?.close(() => resolve()) ?? resolve());
    for (const connection of [...this.connections]) connection.destroy();
    this.connections.clear();
    await closed;
    this.logger.info({ listen: this.listen, upstream: this.upstream }, 'terminated proxy');
  }

  /**
   * Whether `other` names another address or upstream than this proxy (Toxiproxy 2.12.0
   * `Proxy.Differs`): its listen is resolved first (`localhost:7070` is the same as a stored
   * `127.0.0.1:7070`), the upstream is compared as written.
   * @throws {ApiError} 500 with Go's message when `other.listen` cannot be resolved (`address foo: missing port in address`)
   */
  async differs(other: { listen: string; upstream: string }): Promise<boolean> {
    let listen: string;
    try {
      listen = await resolvedListen(other.listen);
    } catch (err) {
      if (err instanceof AddressError) throw internalError(err.message);
      throw err;
    }
    return listen !== this.listen || other.upstream !== this.upstream;
  }

  /**
   * Applies an update as Toxiproxy does: a listen or upstream that {@link differs} restarts the proxy
   * (closing its connections); then `enabled` is applied.
   * @throws {ApiError} 500 when the listen cannot be resolved (nothing changes) or listening fails
   *   (the proxy stays disabled)
   */
  async update(settings: ProxySettings): Promise<void> {
    if (await this.differs(settings)) {
      await this.stop();
      this.listen = settings.listen;
      this.upstream = settings.upstream;
    }
    if (settings.enabled !== this.enabled) {
      if (settings.enabled) await this.start();
      else await this.stop();
    }
  }

  private accept(client: Socket): void {
    let upstream: { host: string; port: number };
    try {
      upstream = parseUpstream(this.upstream);
    } catch (err) {
      this.logger.error(
        { upstream: this.upstream, err: (err as Error).message },
        'unable to open connection to upstream',
      );
      client.destroy();
      return;
    }
    const index = ++this.connectionCount;
    const { clock, metrics } = this.env;
    const labels = { proxy: this.name, listener: this.listen, upstream: this.upstream };
    const connection = new Connection(client, upstream, {
      clock,
      random: this.random.fork(`connection:${index}`),
      logger: this.logger,
      toxics: (direction) => this.toxics.chain(direction),
      counters: (direction) => metrics.counters({ direction, ...labels }),
      onClosed: (c) => this.connections.delete(c),
    });
    this.connections.add(connection);
  }

  /** The API shape of this proxy. */
  toJSON(): ApiProxy {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.toJSON(),
    };
  }
}

/** Binds a server, resolving once listening or rejecting with the bind error. */
function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host, port, ipv6Only: false }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
