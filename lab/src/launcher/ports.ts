/**
 * Checks that the ports the lab is about to use are free, so a taken port is reported by name before
 * any child starts (rather than as one child's crash among many).
 */
import { createServer } from 'node:net';
import { LabError } from '@chaos-lab/common';

/** A port the lab needs, and who needs it (for the message). */
export interface PortClaim {
  readonly host: string;
  readonly port: number;
  /** e.g. `weather tool service`, `Toxiproxy API`. */
  readonly owner: string;
}

function probe(claim: PortClaim): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ host: claim.host, port: claim.port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * Binds and releases each port in turn.
 * @throws {LabError} `PORT_IN_USE` naming every taken port, its host and its owner, e.g.
 *   `port 5001 on 127.0.0.1 (weather tool service) is already in use`
 */
export async function assertPortsFree(claims: readonly PortClaim[]): Promise<void> {
  const problems: string[] = [];
  for (const claim of claims) {
    const err = await probe(claim);
    if (!err) continue;
    const why = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be bound (${err.code ?? err.message})`;
    problems.push(`port ${claim.port} on ${claim.host} (${claim.owner}) ${why}`);
  }
  if (problems.length > 0) {
    throw new LabError('PORT_IN_USE', `${problems.join('; ')}: stop whatever holds it, or set PORT_OFFSET to move the whole lab`, {
      details: { problems },
    });
  }
}
