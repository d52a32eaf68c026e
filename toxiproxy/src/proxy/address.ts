/**
 * TCP addresses as Go's `net` package reads and prints them, so `listen` values and listen errors match
 * Toxiproxy 2.12.0: `host:port` and `[v6]:port`, an empty port meaning 0, `localhost` preferring IPv4, a
 * wildcard host (empty, `0.0.0.0`, `::`) binding the dual-stack `[::]`, and errors such as
 * `listen tcp 127.0.0.1:18081: bind: address already in use`.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

/** A host and port split from `host:port`. */
export interface HostPort {
  host: string;
  port: string;
}

/** A failure to read or bind an address, carrying Go's message. */
export class AddressError extends Error {}

/**
 * Splits `host:port` (or `[ipv6]:port`) as Go's `net.SplitHostPort`.
 * @throws {AddressError} `address <a>: missing port in address` and Go's other messages
 */
export function splitHostPort(address: string): HostPort {
  const fail = (why: string): never => {
    throw new AddressError(`address ${address}: ${why}`);
  };
  const colon = address.lastIndexOf(':');
  if (colon < 0) return fail('missing port in address');
  let host: string;
  if (address.startsWith('[')) {
    const close = address.indexOf(']');
    if (close < 0) return fail("missing ']' in address");
    if (close + 1 === address.length) return fail('missing port in address');
    if (close + 1 !== colon)
      return fail(address[close + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    host = address.slice(1, close);
    if (host.includes('[') || host.includes(']')) return fail("unexpected '[' in address");
  } else {
    host = address.slice(0, colon);
    if (host.includes(':')) return fail('too many colons in address');
    if (host.includes('[')) return fail("unexpected '[' in address");
    if (host.includes(']')) return fail("unexpected ']' in address");
  }
  return { host, port: address.slice(colon + 1) };
}

/**
 * A port as Go's resolver reads it: empty is 0, a decimal number must be 0–65535.
 * @throws {AddressError} `address <port>: invalid port`, or `lookup tcp/<name>: unknown port` for names
 */
export function parsePort(port: string): number {
  if (port === '') return 0;
  if (/^[+-]?\d+$/.test(port)) {
    const n = Number(port);
    if (n < 0 || n > 65535) throw new AddressError(`address ${port}: invalid port`);
    return n;
  }
  throw new AddressError(`lookup tcp/${port}: unknown port`);
}

/** An address as Go prints a `TCPAddr`: `1.2.3.4:80`, `[::1]:80`. */
export function formatAddress(ip: string, port: number): string {
  return isIP(ip) === 6 ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Where to bind: an IP (`::` for the dual-stack wildcard) and a port. */
export interface BindTarget {
  ip: string;
  port: number;
  /** True for the wildcard: bind `::` and fall back to `0.0.0.0` where IPv6 is unavailable. */
  wildcard: boolean;
  /** The address as Go names it in a bind error (`127.0.0.1:80`, `:80` for an empty host). */
  display: string;
}

/**
 * Resolves a `listen` value to what to bind, as Go's `net.Listen("tcp", listen)` would. An empty
 * value is the wildcard on a free port (Go skips the split for an empty address): Toxiproxy 2.12.0
 * creates such a proxy and reports it as `[::]:<port>`.
 * @throws {AddressError} with Go's message (after `listen tcp: `)
 */
export async function resolveListen(listen: string): Promise<BindTarget> {
  const { host, port: portText } = listen === '' ? { host: '', port: '' } : splitHostPort(listen);
  const port = parsePort(portText);
  if (host === '' || host === '0.0.0.0' || host === '::') {
    return { ip: '::', port, wildcard: true, display: host === '' ? `:${port}` : formatAddress(host, port) };
  }
  const at = (ip: string): BindTarget => ({ ip, port, wildcard: false, display: formatAddress(ip, port) });
  if (isIP(host)) return at(host);
  if (host.toLowerCase() === 'localhost') return at('127.0.0.1');
  try {
    const found = await lookup(host, { all: true });
    const chosen = found.find((a) => a.family === 4) ?? found[0];
    if (!chosen) throw new Error('no address');
    return at(chosen.address);
  } catch {
    throw new AddressError(`lookup ${host}: no such host`);
  }
}

/**
 * A `listen` value as Go's `net.ResolveTCPAddr("tcp", listen).String()` writes it: `localhost:7070` →
 * `127.0.0.1:7070`, `:80` → `:80`, `` → `:0`. Toxiproxy 2.12.0 compares this with a proxy's stored
 * (bound) listen to decide whether `/populate` or an update changes the proxy (`Proxy.Differs`).
 * @throws {AddressError} with Go's message, e.g. `address foo: missing port in address`
 */
export async function resolvedListen(listen: string): Promise<string> {
  return (await resolveListen(listen)).display;
}

/** Go's text for a bind failure's errno. */
const BIND_ERRORS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'cannot assign requested address',
  EAFNOSUPPORT: 'address family not supported by protocol',
  EINVAL: 'invalid argument',
};

/** Go's message for a failed bind: `listen tcp 127.0.0.1:18081: bind: address already in use`. */
export function bindErrorMessage(target: BindTarget, error: NodeJS.ErrnoException): string {
  const why = BIND_ERRORS[error.code ?? ''] ?? error.message;
  return `listen tcp ${target.display}: bind: ${why}`;
}

/** Where to dial an upstream: Go's `net.Dial("tcp", upstream)` rules for the address text. */
export function parseUpstream(upstream: string): { host: string; port: number } {
  const { host, port } = splitHostPort(upstream);
  return { host: host === '' ? 'localhost' : host, port: parsePort(port) };
}
