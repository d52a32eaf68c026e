/**
 * Delta debugging, ddmin (A. Zeller and R. Hildebrandt, "Simplifying and Isolating Failure-Inducing
 * Input", IEEE TSE 28(2), 2002, fig. 4): from a set of units whose whole fails, finds a 1-minimal
 * subset that still fails (removing any one of its units makes the failure go), testing subsets and
 * their complements at growing granularity.
 *
 *   n = 2; while |c| ≥ 2:
 *     split c into n chunks; a chunk fails        ──► c = chunk, n = 2
 *     else the complement of a chunk fails (n > 2) ──► c = complement, n = max(n − 1, 2)
 *     else n < |c|                                ──► n = min(2n, |c|)
 *     else                                        ──► done
 *
 * Each distinct subset is tested once (outcomes are cached by the units' positions).
 */

/** The outcome of one test: does the subset still fail? */
export type DdminTest<T> = (subset: readonly T[]) => Promise<boolean>;

/** Splits `items` into `n` chunks of near-equal size, in order. */
export function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((items.length - start) / (n - i));
    chunks.push(items.slice(start, end));
    start = end;
  }
  return chunks.filter((c) => c.length > 0);
}

/**
 * Runs ddmin over `units` (see the file comment). The whole set is not tested here: the caller
 * establishes that it fails.
 * @returns a 1-minimal failing subset, in the units' order, and the number of tests run
 */
export async function ddmin<T>(units: readonly T[], test: DdminTest<T>): Promise<{ minimal: T[]; tests: number }> {
  const cache = new Map<string, boolean>();
  let tests = 0;
  const fails = async (subset: readonly T[]): Promise<boolean> => {
    const key = subset.map((u) => units.indexOf(u)).join(',');
    if (!cache.has(key)) {
      tests++;
      cache.set(key, await test(subset));
    }
    return cache.get(key)!;
  };
  let c = [...units];
  let n = 2;
  while (c.length >= 2) {
    const chunks = split(c, n);
    const failing = await firstAsync(chunks, fails);
    if (failing) {
      c = failing;
      n = 2;
      continue;
    }
    const complements = n > 2 ? chunks.map((chunk) => c.filter((u) => !chunk.includes(u))) : [];
    const failingComplement = await firstAsync(complements, fails);
    if (failingComplement) {
      c = failingComplement;
      n = Math.max(n - 1, 2);
      continue;
    }
    if (n >= c.length) break;
    n = Math.min(2 * n, c.length);
  }
  return { minimal: c, tests };
}

/** The first item for which `pred` resolves true, tried in order. */
async function firstAsync<T>(items: readonly T[], pred: (item: T) => Promise<boolean>): Promise<T | undefined> {
  for (const item of items) if (await pred(item)) return item;
  return undefined;
}
