/**
 * Ports for tests that start parts of a lab on their registry ports (through `@chaos-lab/common/testing`):
 * a block of ports, every one of them checked free by binding it, and held against every other test
 * process on the machine (other test files of the same run, other runs) by a lock file, until it is
 * released or the process exits.
 *
 * Why blocks: a lab binds its parts' default ports shifted by `PORT_OFFSET` (registry.ts), all between
 * the first tool service (5000) and the Toxiproxy API (8474). Two labs whose offsets differ by less
 * than that span can meet (one's model proxy 6100 is the other's search proxy 6000 + 100), so offsets
 * are whole multiples of {@link PORT_BLOCK_SIZE}: labs at different blocks never share a port.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICES, TOXIPROXY_API_PORT } from './registry.js';

/** A lab's lowest default port (the first tool service) and its highest (the Toxiproxy API), before `PORT_OFFSET`. */
const LAB_FIRST_PORT = Math.min(...SERVICES.map((s) => s.toolPort));
const LAB_LAST_PORT = TOXIPROXY_API_PORT;

/** Ports from one block's offset to the next: a lab's span (5000–8474) rounded up to hundreds. */
export const PORT_BLOCK_SIZE = Math.ceil((LAB_LAST_PORT - LAB_FIRST_PORT + 1) / 100) * 100;

/**
 * Where Linux's ephemeral range starts (its default `net.ipv4.ip_local_port_range`): port-0 servers and
 * outgoing connections of other tests take their ports from there, so no block reaches it.
 */
const EPHEMERAL_FIRST_PORT = 32_768;

/**
 * The `PORT_OFFSET`s of the blocks, smallest first: 3500, 7000, … 21000. Offset 0 is left to a lab on
 * the default ports (a developer's own).
 */
export const PORT_BLOCK_OFFSETS: readonly number[] = Array.from(
  { length: Math.floor((EPHEMERAL_FIRST_PORT - 1 - LAB_LAST_PORT) / PORT_BLOCK_SIZE) },
  (_, i) => (i + 1) * PORT_BLOCK_SIZE,
);

/** A block of ports held by this process: a lab started with `PORT_OFFSET` = `offset` binds only ports in it. */
export interface PortBlock {
  /** The `PORT_OFFSET` to start the lab with. */
  readonly offset: number;
  /** Gives the block back (removes its lock file); also done when the process exits. Idempotent. */
  release(): void;
}

/** True when a server can listen on 127.0.0.1:`port` now (nothing else holds it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
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

/** True when every port of the lab span at `offset` can be bound, checked 500 at a time. */
async function blockIsFree(offset: number): Promise<boolean> {
  for (let first = LAB_FIRST_PORT; first <= LAB_LAST_PORT; first += 500) {
    const ports = Array.from({ length: Math.min(500, LAB_LAST_PORT - first + 1) }, (_, i) => first + i + offset);
    if (!(await Promise.all(ports.map(portIsFree))).every(Boolean)) return false;
  }
  return true;
}

function lockPath(offset: number): string {
  return join(tmpdir(), `chaos-lab-port-block-${offset}.lock`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid written in a lock file, or undefined when the file is gone or unreadable (being written). */
function lockHolder(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates the block's lock file (O_EXCL) with this pid in it; removes a lock left by a dead process first. */
function tryLock(offset: number): boolean {
  const path = lockPath(offset);
  const holder = lockHolder(path);
  if (holder !== undefined && !processIsAlive(holder)) {
    try {
      unlinkSync(path);
    } catch {
      // another process removed it first
    }
  }
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch {
    return false;
  }
  writeSync(fd, String(process.pid));
  closeSync(fd);
  return true;
}

function unlock(offset: number): void {
  const path = lockPath(offset);
  if (lockHolder(path) !== process.pid) return;
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

/** Blocks this process holds, unlocked when it exits however the test ends. */
const held = new Set<number>();
process.on('exit', () => {
  for (const offset of held) unlock(offset);
});

/**
 * Takes a free block of ports: the first of {@link PORT_BLOCK_OFFSETS} that no test process holds and
 * whose every port (5000–8474 + offset) can be bound now; when none is, waits for one.
 * @param waitMs how long to wait for a block before giving up (default 5 minutes)
 * @returns the block; start the lab with `PORT_OFFSET` = its `offset`, and `release()` it once the
 *   lab has stopped (else it is released when the process exits)
 * @throws when no block came free within `waitMs` (naming the blocks and who holds them)
 */
export async function takePortBlock(waitMs = 300_000): Promise<PortBlock> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    for (const offset of PORT_BLOCK_OFFSETS) {
      if (!tryLock(offset)) continue;
      // Locked: the ports may still be held by something that is not a test of this project.
      if ((await blockIsFree(offset)) && lockHolder(lockPath(offset)) === process.pid) {
        held.add(offset);
        return {
          offset,
          release: () => {
            if (held.delete(offset)) unlock(offset);
          },
        };
      }
      unlock(offset);
    }
    if (Date.now() > deadline) {
      const holders = PORT_BLOCK_OFFSETS.map((o) => `PORT_OFFSET ${o}: ${lockHolder(lockPath(o)) ?? 'a port in use'}`);
      throw new Error(
        `no free block of lab ports within ${waitMs} ms (held by pid, or not free: ${holders.join('; ')})`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 300));
  }
}
