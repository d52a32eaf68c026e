/**
 * How a breaking-point search speaks (explore/src/breaking-point.ts): the attributes' units, a value
 * with its unit, a step's verdict, and the answer in one line.
 */
import type { BreakingPointRecord } from './breaking-point-record.js';

/** Units of the toxic attributes (docs/toxiproxy.md). */
export const UNITS: Record<string, string> = {
  latency: 'ms',
  jitter: 'ms',
  timeout: 'ms',
  delay: 'ms',
  rate: 'KB/s',
  bytes: 'bytes',
  average_size: 'bytes',
  size_variation: 'bytes',
  toxicity: 'probability',
};

/** A value with its unit: `1100 ms`. */
export function withUnit(v: number, unit: string): string {
  return unit === 'probability' ? String(v) : `${v} ${unit}`;
}

/** How a step's verdict reads on the console. */
export const VERDICT_WORDS = { held: 'held', failed: 'FAILED', too_close: 'TOO CLOSE', error: 'error' } as const;

/**
 * The result in one line, e.g. `breaking point: latency on weather between 825 ms (held) and 1100 ms
 * (failed …)`; a first non-holding value that was too close to call says so, never "failed".
 */
export function summaryLine(
  r: Pick<
    BreakingPointRecord,
    'status' | 'attribute' | 'target' | 'unit' | 'lastPass' | 'firstFail' | 'from' | 'to' | 'checkText' | 'steps'
  >,
): string {
  const u = (v: number) => withUnit(v, r.unit);
  const first = r.steps.find((s) => s.value === r.firstFail);
  const notHeld =
    first?.verdict === 'too_close'
      ? `too close to call: ${r.checkText} held, with the attempts' p95 within the guard band of the timeout`
      : `failed ${r.checkText}`;
  switch (r.status) {
    case 'found':
      return `breaking point: ${r.attribute} on ${r.target} between ${u(r.lastPass!)} (held) and ${u(r.firstFail!)} (${notHeld})`;
    case 'holds':
      return `no breaking point found: ${r.checkText} held at every tested value${r.lastPass === null ? '' : ` up to ${u(r.lastPass)}`} (${u(r.to)} itself not tested)`;
    case 'fails':
      return `no passing value found: ${r.checkText} did not hold at any tested value, down to ${u(r.firstFail!)} (${notHeld}; ${u(r.from)} itself not tested)`;
    case 'error':
      return 'no breaking point: a lab run failed (see above); the steps done are recorded';
  }
}
