/**
 * The server's proxies by name, with Toxiproxy 2.12.0's add / replace / remove rules
 * (`proxy_collection.go`).
 */
import { ErrProxyAlreadyExists, ErrProxyNotFound } from '../api/errors.js';
import type { ProxyInput } from '../api/inputs.js';
import { Proxy, type ProxyEnvironment } from './proxy.js';

/** The proxies of one server. */
export class ProxyCollection {
  private readonly proxies = new Map<string, Proxy>();

  constructor(private readonly env: ProxyEnvironment) {}

  /** Every proxy, sorted by name (Go writes map keys sorted). */
  all(): Proxy[] {
    return [...this.proxies.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The proxy named `name`. @throws {ApiError} 404 `proxy not found` */
  get(name: string): Proxy {
    const proxy = this.proxies.get(name);
    if (!proxy) throw ErrProxyNotFound;
    return proxy;
  }

  /**
   * Creates a proxy, listening if `enabled`.
   * @throws {ApiError} 409 `proxy already exists`, 500 when listening fails (nothing is added)
   */
  async add(input: ProxyInput): Promise<Proxy> {
    if (this.proxies.has(input.name)) throw ErrProxyAlreadyExists;
    return this.create(input);
  }

  /**
   * `/populate`'s rule for one entry: an existing proxy with the same listen (once resolved, see
   * {@link Proxy.differs}) and upstream is kept as it is (toxics included); otherwise it is stopped
   * and replaced by a new one, started if enabled.
   * @returns the proxy now under that name
   * @throws {ApiError} 500 when the entry's listen cannot be resolved (the old proxy stays as it is) or
   *   the new proxy cannot listen (the old one stays, stopped)
   */
  async addOrReplace(input: ProxyInput): Promise<Proxy> {
    const existing = this.proxies.get(input.name);
    if (existing) {
      if (!(await existing.differs(input))) return existing;
      await existing.stop();
    }
    return this.create(input);
  }

  /** Builds a proxy, starts it if enabled, and files it under its name (only once it listens, if enabled). */
  private async create(input: ProxyInput): Promise<Proxy> {
    const proxy = new Proxy(input.name, input.listen, input.upstream, this.env);
    if (input.enabled) await proxy.start();
    this.proxies.set(input.name, proxy);
    return proxy;
  }

  /** Stops and removes a proxy. @throws {ApiError} 404 `proxy not found` */
  async remove(name: string): Promise<void> {
    const proxy = this.get(name);
    this.proxies.delete(name);
    await proxy.stop();
  }

  /** Stops every proxy (server shutdown). */
  async stopAll(): Promise<void> {
    await Promise.all([...this.proxies.values()].map((p) => p.stop()));
  }
}
