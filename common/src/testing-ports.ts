/**
 * Ports for tests that start parts of a lab on their registry ports (through `@chaos-lab/common/testing`):
 * a block of ports, every one of them checked free by binding it, and held against every other test
 * process on the machine (other test files of the same run, other runs) by a reservation, until it is
 * released or the process exits. The block rule (a lab's span, the step between blocks, which blocks)
 * is lab-span.ts's, the reservations and the labs' claims port-claims.ts's: `PORT_OFFSET=auto` of
 * `chaos-lab up` picks by the same rule.
 */
import { createServer } from 'node:net';
import { blockHolder, blockIsFree, releaseBlock, reserveBlock } from './port-claims.js';
import { PORT_BLOCK_OFFSETS } from './lab-span.js';

export { PORT_BLOCK_OFFSETS, PORT_BLOCK_SIZE, portIsFree } from './lab-span.js';

/** A block of ports held by this process: a lab started with `PORT_OFFSET` = `offset` binds only ports in it. */
export interface PortBlock {
  /** The `PORT_OFFSET` to start the lab with. */
  readonly offset: number;
  /** Gives the block back (removes its reservation); also done when the process exits. Idempotent. */
  release(): void;
}

/**
 * A port on 127.0.0.1 that was free a moment ago (bound on port 0, read, released), for a server the
 * test starts later; another process may take it in between, so prefer port 0 where the server allows.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Blocks this process holds, released when it exits however the test ends. */
const held = new Set<number>();
process.on('exit', () => {
  for (const offset of held) releaseBlock(offset);
});

/**
 * Takes a free block of ports: the first of {@link PORT_BLOCK_OFFSETS} that no test process holds, no
 * running lab overlaps, and whose every port (5000–8474 + offset) can be bound now; when none is, waits
 * for one.
 * @param waitMs how long to wait for a block before giving up (default 5 minutes)
 * @returns the block; start the lab with `PORT_OFFSET` = its `offset`, and `release()` it once the
 *   lab has stopped (else it is released when the process exits)
 * @throws when no block came free within `waitMs` (naming the blocks and who holds them)
 */
export async function takePortBlock(waitMs = 300_000): Promise<PortBlock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    for (const offset of PORT_BLOCK_OFFSETS) {
      if (!reserveBlock(offset)) continue;
      // Reserved: the ports may still be held by a lab or something that is not a test of this project.
      if ((await blockIsFree(offset)) && blockHolder(offset) === process.pid) {
        held.add(offset);
        return {
          offset,
          release: () => {
            if (held.delete(offset)) releaseBlock(offset);
          },
        };
      }
      releaseBlock(offset);
    }
    if (Date.now() > deadline) {
      const holders = PORT_BLOCK_OFFSETS.map((o) => `PORT_OFFSET ${o}: ${blockHolder(o) ?? 'a lab or a port in use'}`);
      throw new Error(
        `no free block of lab ports within ${waitMs} ms (held by pid, or not free: ${holders.join('; ')})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 300));
  }
}
