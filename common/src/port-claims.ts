/**
 * Who holds which span of ports on this machine (lab-span.ts), in files in the system's temporary
 * folder that every process of the project reads:
 *
 * - a running lab's claim, `chaos-lab-lab-<pid>-<offset>.json` (`{pid, offset, dbPath}`), written by
 *   `chaos-lab up` before anything starts and removed when it stops: a lab whose span would overlap a
 *   live one's is refused, naming it and a safe `PORT_OFFSET`;
 * - a block reserved by a test for the lab it is about to start, `chaos-lab-port-block-<offset>.lock`
 *   (the holder's pid; `takePortBlock` in testing-ports.ts).
 *
 * A file whose process is gone (SIGKILL) is stale and is removed by the next reader. Claiming writes
 * first and reads the others after, so of two overlapping labs that start at the same moment neither
 * goes on (both are refused); never both.
 */
import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LabError } from './errors.js';
import {
  labSpan,
  LAB_FIRST_PORT,
  LAB_LAST_PORT,
  PORT_BLOCK_OFFSETS,
  PORT_BLOCK_SIZE,
  spanIsFree,
  spansOverlap,
} from './lab-span.js';

/** A running lab's claim on its span. */
export interface LabClaim {
  readonly pid: number;
  /** Its `PORT_OFFSET`. */
  readonly offset: number;
  /** Its `LAB_DB_PATH`, to name it. */
  readonly dbPath: string;
}

const CLAIM_PREFIX = 'chaos-lab-lab-';

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // another process removed it first
  }
}

/** The claims of the labs running now (stale ones removed on the way). */
export function liveLabClaims(): LabClaim[] {
  const claims: LabClaim[] = [];
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(CLAIM_PREFIX) || !name.endsWith('.json')) continue;
    const path = join(tmpdir(), name);
    let claim: LabClaim;
    try {
      claim = JSON.parse(readFileSync(path, 'utf8')) as LabClaim;
    } catch {
      continue; // being written, or gone meanwhile
    }
    if (processIsAlive(claim.pid)) claims.push(claim);
    else removeQuietly(path);
  }
  return claims;
}

/** The smallest block offset (0 first) whose span overlaps none of `claims`. */
function safeOffset(claims: readonly LabClaim[]): number | undefined {
  return [0, ...PORT_BLOCK_OFFSETS].find((o) => claims.every((c) => !spansOverlap(o, c.offset)));
}

/**
 * Claims the span of a lab at `offset` for this process, before the lab starts anything.
 * @param dbPath the lab's `LAB_DB_PATH`, for the message another lab shows
 * @returns a function that gives the claim back (idempotent; a claim of a dead process is stale anyway)
 * @throws {LabError} `PORT_IN_USE` when a live lab's span overlaps, e.g. `PORT_OFFSET=1000: this lab's
 *   ports 6000–9474 overlap those of the lab running as pid 42 (PORT_OFFSET=0: ports 5000–8474, …);
 *   labs need PORT_OFFSETs at least 3500 apart (a lab spans ports 5000–8474): use PORT_OFFSET=3500, or
 *   PORT_OFFSET=auto`
 */
export function claimLabSpan(offset: number, dbPath: string): () => void {
  const path = join(tmpdir(), `${CLAIM_PREFIX}${process.pid}-${offset}.json`);
  writeFileSync(path, JSON.stringify({ pid: process.pid, offset, dbPath } satisfies LabClaim));
  const others = liveLabClaims().filter((c) => !(c.pid === process.pid && c.offset === offset));
  const overlapping = others.filter((c) => spansOverlap(offset, c.offset));
  if (overlapping.length > 0) {
    removeQuietly(path);
    const span = (o: number) => `${labSpan(o).first}–${labSpan(o).last}`;
    const them = overlapping
      .map((c) => `the lab running as pid ${c.pid} (PORT_OFFSET=${c.offset}: ports ${span(c.offset)}, ${c.dbPath})`)
      .join(' and ');
    const safe = safeOffset(others);
    throw new LabError(
      'PORT_IN_USE',
      `PORT_OFFSET=${offset}: this lab's ports ${span(offset)} overlap those of ${them}; labs need PORT_OFFSETs at least ${PORT_BLOCK_SIZE} apart (a lab spans ports ${LAB_FIRST_PORT}–${LAB_LAST_PORT}): use ${safe === undefined ? 'PORT_OFFSET=auto' : `PORT_OFFSET=${safe}, or PORT_OFFSET=auto`}`,
    );
  }
  return () => removeQuietly(path);
}

function blockLockPath(offset: number): string {
  return join(tmpdir(), `chaos-lab-port-block-${offset}.lock`);
}

/** The pid holding a block's reservation, or undefined when none does (or it is being written). */
export function blockHolder(offset: number): number | undefined {
  try {
    const pid = Number(readFileSync(blockLockPath(offset), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Reserves a block for this process (O_EXCL lock file with its pid), removing a dead process's first.
 * @returns false when another live process holds it
 */
export function reserveBlock(offset: number): boolean {
  const path = blockLockPath(offset);
  const holder = blockHolder(offset);
  if (holder !== undefined && !processIsAlive(holder)) removeQuietly(path);
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

/** Gives back a block this process reserved (no-op when it is not this process's). */
export function releaseBlock(offset: number): void {
  if (blockHolder(offset) === process.pid) removeQuietly(blockLockPath(offset));
}

/**
 * True when a lab may start at `offset` now: no live lab's span overlaps it and every port of its
 * span can be bound. Reservations are the caller's to check.
 */
export async function blockIsFree(offset: number): Promise<boolean> {
  return liveLabClaims().every((c) => !spansOverlap(offset, c.offset)) && (await spanIsFree(offset));
}

/**
 * `PORT_OFFSET=auto`: the first of 0 and {@link PORT_BLOCK_OFFSETS} that no test has reserved, no live
 * lab overlaps, and whose every port is free now.
 * @returns the offset (claim it with {@link claimLabSpan} before starting anything)
 * @throws {LabError} `PORT_IN_USE` when no block is free
 */
export async function pickPortOffset(): Promise<number> {
  for (const offset of [0, ...PORT_BLOCK_OFFSETS]) {
    const holder = blockHolder(offset);
    if (holder !== undefined && processIsAlive(holder)) continue;
    if (await blockIsFree(offset)) return offset;
  }
  throw new LabError(
    'PORT_IN_USE',
    `PORT_OFFSET=auto: no free block of lab ports (PORT_OFFSET ${[0, ...PORT_BLOCK_OFFSETS].join(', ')}): each is held by a lab, a test, or a port in use; stop a lab, or set PORT_OFFSET yourself`,
  );
}
