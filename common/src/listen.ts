/**
 * Listening on a TCP port, the way every server of the lab does: a taken port is a {@link LabError}
 * `PORT_IN_USE` that names it, and a server bound to a wildcard address is reached on loopback.
 */
import type { AddressInfo, Server } from 'node:net';
import { LabError } from './errors.js';
import { formatEndpoint } from './registry.js';

/**
 * The host a client uses for a server bound to `host`: 127.0.0.1 for the wildcard addresses. Node
 * binds `::` dual-stack, so IPv4 loopback reaches it too, also where IPv6 is disabled (some containers).
 */
export function connectHost(host: string): string {
  return host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
}

/**
 * Bind errors that blame the host rather than the port: an address this machine does not have
 * (EADDRNOTAVAIL), one the kernel refuses (EINVAL, EAFNOSUPPORT: e.g. IPv6 disabled), or a name that
 * does not resolve (the `getaddrinfo` codes ENOTFOUND, EAI_AGAIN, EAI_FAIL, EAI_NONAME).
 * @returns what is wrong with the host, e.g. `is not an address of this machine (EADDRNOTAVAIL)`, or
 *   undefined when `err` is not about the host (a taken port, …)
 */
export function hostBindProblem(err: NodeJS.ErrnoException): string | undefined {
  const code = err.code ?? '';
  if (code === 'EADDRNOTAVAIL') return `is not an address of this machine (${code})`;
  if (code === 'EINVAL' || code === 'EAFNOSUPPORT') return `cannot be bound on this machine (${code})`;
  if (code === 'ENOTFOUND' || code.startsWith('EAI_')) return `does not resolve to an address (${code})`;
  return undefined;
}

/** What a host that cannot be bound must be instead. */
export const BIND_HOST_RULE =
  'must be an address of this machine (such as 127.0.0.1), 0.0.0.0, or a host name that resolves to one';

/**
 * Starts `server` listening on `host:port`.
 * @param owner who listens, for the message (e.g. `weather tool service`, `proxy-manager`)
 * @param hint what the user can do about a taken port, appended to the message
 * @returns the port bound (the real one when 0 was asked for)
 * @throws {LabError} `PORT_IN_USE` (`<owner> cannot listen: port P on H is already in use: <hint>`)
 *   when the port is taken; `SETTINGS_INVALID` naming `BIND_HOST` when the host cannot be bound (see
 *   {@link hostBindProblem}); `INTERNAL` naming the address for any other listen error
 */
export function listenOn(
  server: Server,
  port: number,
  host: string,
  owner: string,
  hint = 'stop whatever holds it, or set PORT_OFFSET',
): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const details = { port, host, owner };
      const hostProblem = hostBindProblem(err);
      reject(
        err.code === 'EADDRINUSE'
          ? new LabError('PORT_IN_USE', `${owner} cannot listen: port ${port} on ${host} is already in use: ${hint}`, {
              details,
              cause: err,
            })
          : hostProblem
            ? new LabError(
                'SETTINGS_INVALID',
                `${owner} cannot listen: BIND_HOST=${host}: ${hostProblem}; ${BIND_HOST_RULE}`,
                { details, cause: err },
              )
            : new LabError('INTERNAL', `${owner} cannot listen on ${formatEndpoint({ host, port })}: ${err.message}`, {
                details,
                cause: err,
              }),
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
