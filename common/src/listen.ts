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
 * Starts `server` listening on `host:port`.
 * @param owner who listens, for the message (e.g. `weather tool service`, `proxy-manager`)
 * @param hint what the user can do about a taken port, appended to the message
 * @returns the port bound (the real one when 0 was asked for)
 * @throws {LabError} `PORT_IN_USE` (`<owner> cannot listen: port P on H is already in use: <hint>`)
 *   when the port is taken; `INTERNAL` naming the address for any other listen error
 */
export function listenOn(server: Server, port: number, host: string, owner: string, hint = 'stop whatever holds it, or set PORT_OFFSET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      const details = { port, host, owner };
      reject(
        err.code === 'EADDRINUSE'
          ? new LabError('PORT_IN_USE', `${owner} cannot listen: port ${port} on ${host} is already in use: ${hint}`, { details, cause: err })
          : new LabError('INTERNAL', `${owner} cannot listen on ${formatEndpoint({ host, port })}: ${err.message}`, { details, cause: err }),
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
