/**
 * Bisection of one fault's value for its breaking point: the value where a hypothesis check stops
 * holding. The range runs from `from` (expected to hold) towards `to` (expected to fail), in either
 * direction (bandwidth's `rate` gets worse as it falls), and the search assumes the check gets no
 * better as the value moves from `from` to `to` (monotone), as bisection must.
 *
 *   good = from, bad = to (neither tested)
 *   repeat ≤ steps times:  v = mid(good, bad) on the resolution grid, moved out of the avoided band
 *                          evaluate(v): failed ──► bad = v (first failing)  else ──► good = v (last passing)
 *   stop when the grid cannot split (good, bad) any more, or the rest lies in the avoided band
 *
 * Only tested values are reported: `lastPass` and `firstFail` are null when no tested value held, or
 * none failed, so the lab never claims a bound it did not see.
 */

/** A band of values the search never tests, e.g. latencies within a guard of the agent's timeout. */
export interface AvoidedBand {
  /** Lower edge (tested values may equal it). */
  readonly low: number;
  /** Upper edge (tested values may equal it). */
  readonly high: number;
  /** Why, for the report: e.g. `within 100 ms of PROXY_TIMEOUT_MS=1000`. */
  readonly reason: string;
}

/** What to search. */
export interface BisectOptions {
  /** The end expected to hold. */
  readonly from: number;
  /** The end expected to fail. */
  readonly to: number;
  /** At most this many evaluated steps (each step: one value, its repeats). */
  readonly steps: number;
  /** Values are tested on the grid from + k × resolution; the search stops when the grid cannot split the interval. */
  readonly resolution: number;
  readonly avoid?: AvoidedBand;
}

/** One tested value. */
export interface TestedValue<T> {
  readonly value: number;
  readonly failed: boolean;
  /** What the evaluator returned beside the verdict (the runs behind it). */
  readonly detail: T;
}

/** The outcome of a search. */
export interface BisectResult<T> {
  /** The tested value nearest `to` that held; null when none held. */
  readonly lastPass: number | null;
  /** The tested value nearest `from` that failed; null when none failed. */
  readonly firstFail: number | null;
  /** Every tested value, in search order. */
  readonly tested: readonly TestedValue<T>[];
  /** Why the search stopped, in words. */
  readonly stoppedBy: string;
}

/** Rounds `v` to the grid from + k × resolution (half away from `from`). */
export function snap(v: number, from: number, resolution: number): number {
  const k = Math.round((v - from) / resolution);
  return Number((from + k * resolution).toFixed(9));
}

/** True when v lies strictly between a and b, whichever is larger. */
function strictlyBetween(v: number, a: number, b: number): boolean {
  return v > Math.min(a, b) && v < Math.max(a, b);
}

/**
 * The next value to test between `good` and `bad`, or a reason why there is none.
 * @returns `{ value }` or `{ stop }`
 */
export function nextValue(
  good: number,
  bad: number,
  o: Pick<BisectOptions, 'from' | 'resolution' | 'avoid'>,
): { value: number } | { stop: string } {
  const value = snap(good + (bad - good) / 2, o.from, o.resolution);
  if (!strictlyBetween(value, good, bad)) return { stop: `resolution ${o.resolution} reached` };
  const band = o.avoid;
  if (band === undefined || !(value > band.low && value < band.high)) return { value };
  const edges = [band.high, band.low].sort((a, b) => Math.abs(a - value) - Math.abs(b - value));
  const edge = edges.find((e) => strictlyBetween(e, good, bad));
  return edge === undefined
    ? { stop: `the rest of the interval lies ${band.reason}, which one run cannot decide` }
    : { value: edge };
}

/**
 * Runs the search (see the file comment).
 * @param evaluate tests one value: resolves `{ failed, detail }`; a rejection stops the search and is rethrown
 * @throws RangeError when steps < 1, resolution ≤ 0 or from = to
 */
export async function bisect<T>(
  o: BisectOptions,
  evaluate: (value: number) => Promise<{ failed: boolean; detail: T }>,
): Promise<BisectResult<T>> {
  if (!(o.steps >= 1) || !(o.resolution > 0) || o.from === o.to)
    throw new RangeError('bisect: needs steps ≥ 1, resolution > 0 and from ≠ to');
  let good = o.from;
  let bad = o.to;
  let lastPass: number | null = null;
  let firstFail: number | null = null;
  const tested: TestedValue<T>[] = [];
  let stoppedBy = `${o.steps} step(s) done`;
  for (let step = 0; step < o.steps; step++) {
    const next = nextValue(good, bad, o);
    if ('stop' in next) {
      stoppedBy = next.stop;
      break;
    }
    const { failed, detail } = await evaluate(next.value);
    tested.push({ value: next.value, failed, detail });
    if (failed) bad = firstFail = next.value;
    else good = lastPass = next.value;
  }
  return { lastPass, firstFail, tested, stoppedBy };
}
