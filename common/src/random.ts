/**
 * The seeded random source used by every random choice in the lab.
 *
 * Built on pure-rand's xoroshiro128+ generator (the generator fast-check uses), never on
 * `Math.random`, so a run can be replayed from its seed. Independent streams for independent
 * consumers (one per tool service, one for the chaos loop…) come from {@link Random.fork}, which
 * derives a child seed from the parent seed and a label: adding a consumer does not shift the
 * numbers another consumer sees.
 */
import { randomBytes } from 'node:crypto';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { RandomGenerator } from 'pure-rand/types/RandomGenerator';

/** A seeded random source. Not shared across async consumers that need independent replay: fork instead. */
export interface Random {
  /** The 32-bit seed this source was created from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  float(min: number, max: number): number;
  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** An independent source whose seed is derived from this seed and `label`. */
  fork(label: string): Random;
}

/** FNV-1a 32-bit hash of a string (used only to derive fork seeds from labels). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class SeededRandom implements Random {
  readonly seed: number;
  private readonly rng: RandomGenerator;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.rng = xoroshiro128plus(this.seed);
  }

  next(): number {
    // 53 random bits → a double in [0, 1), the same construction as Math.random implementations.
    const hi = uniformInt(this.rng, 0, (1 << 26) - 1);
    const lo = uniformInt(this.rng, 0, (1 << 27) - 1);
    return (hi * 2 ** 27 + lo) / 2 ** 53;
  }

  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): bounds must be integers with min <= max`);
    }
    return uniformInt(this.rng, min, max);
  }

  float(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty array');
    return items[this.int(0, items.length - 1)] as T;
  }

  fork(label: string): Random {
    return new SeededRandom((Math.imul(this.seed ^ hash32(label), 0x9e3779b1) ^ hash32(`${label}#${this.seed}`)) >>> 0);
  }
}

/** Creates a seeded random source. `seed` is taken modulo 2^32. */
export function createRandom(seed: number): Random {
  return new SeededRandom(seed);
}

/**
 * A fresh 32-bit seed (from the OS's cryptographic source) for runs where `CHAOS_SEED` is not set.
 * This is the lab's one use of non-replayable randomness; the seed it returns is printed and recorded
 * so the run can be repeated.
 */
export function freshSeed(): number {
  return randomBytes(4).readUInt32BE(0);
}
