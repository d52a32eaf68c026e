/**
 * Checks that the hosts and ports the lab is about to bind can be bound, so a bad host setting or a
 * taken port is reported by name before any child starts (rather than as one child's crash among many).
 */
import { createServer } from 'node:net';
import { BIND_HOST_RULE, hostBindProblem, LabError } from '@chaos-lab/common';

/** A port the lab needs, and who needs it (for the message). */
export interface PortClaim {
  readonly host: string;
  readonly port: number;
  /** e.g. `weather tool service`, `Toxiproxy API`. */
  readonly owner: string;
  /** The setting `host` comes from (e.g. `BIND_HOST`), named when the host itself cannot be bound. */
  readonly hostSetting: string;
}

function probe(host: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Binds and releases each host once (on a port the system picks), then each claimed port in turn.
 * @throws {LabError} `SETTINGS_INVALID` with one line per host that cannot be bound, naming its setting,
 *   e.g. `BIND_HOST=10.9.9.9: is not an address of this machine (EADDRNOTAVAIL); must be …`
 * @throws {LabError} `PORT_IN_USE` naming every taken port, its host and its owner, e.g.
 *   `port 5001 on 127.0.0.1 (weather tool service) is already in use`
 */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  // A host the machine cannot bind fails every port alike, and a name that does not resolve would be
  // looked up again for each port: one probe per host says it once, under the setting's name.
  const hostProblems: string[] = [];
  const hosts = new Map(claims.map((c) => [`${c.hostSetting}=${c.host}`, c]));
  for (const [named, claim] of hosts) {
    const err = await probe(claim.host, 0);
    const why = err && hostBindProblem(err);
    if (why) hostProblems.push(`${named}: ${why}; ${BIND_HOST_RULE}`);
  }
  if (hostProblems.length > 0)
    throw new LabError('SETTINGS_INVALID', hostProblems.join('\n'), { details: { problems: hostProblems } });

  const problems: string[] = [];
  for (const claim of claims) {
    const err = await probe(claim.host, claim.port);
    if (!err) continue;
    const why = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${err.code ?? err.message})`;
    problems.push(`port ${claim.port} on ${claim.host} (${claim.owner}) ${why}`);
  }
  if (problems.length > 0) {
    throw new LabError(
      'PORT_IN_USE',
      `${problems.join('; ')}: stop whatever holds it, or set PORT_OFFSET to move the whole lab`,
      {
        details: { problems },
      },
    );
  }
}
