/**
 * The toxics the chaos loop may inject: for each Toxiproxy toxic type, the attributes it gets and the
 * range each is drawn from. This file is the one place those ranges are written.
 *
 * Attribute names and units follow Toxiproxy 2.12.0 (see docs/toxiproxy.md). Every
 * attribute is an integer drawn uniformly from `[min, max]` (both included), in table order. Ranges
 * that depend on settings are computed from them, so changing the agent's timeout moves the timeout
 * toxic with it.
 *
 * | type         | attribute        | unit  | range                                        | why                                                        |
 * |--------------|------------------|-------|----------------------------------------------|------------------------------------------------------------|
 * | `timeout`    | `timeout`        | ms    | ⌊0.5·PROXY_TIMEOUT_MS⌋ – ⌊1.5·PROXY_TIMEOUT_MS⌋ (2500–7500) | centred on the agent's own timeout: below it Toxiproxy closes the connection first (`closed`), at or above it the agent's deadline passes first (`timeout`); see `draw.ts` for its duration |
 * | `latency`    | `latency`        | ms    | 250 – 2500                                   | slow but mostly inside the agent's timeout                 |
 * |              | `jitter`         | ms    | 0 – 250                                      |                                                            |
 * | `bandwidth`  | `rate`           | KB/s  | 1 – 64                                       | a JSON answer of a few KB takes from ms to seconds         |
 * | `slow_close` | `delay`          | ms    | 500 – 3000                                   |                                                            |
 * | `reset_peer` | `timeout`        | ms    | 0 – 1000                                     | a TCP RST at once or after up to a second                  |
 * | `slicer`     | `average_size`   | bytes | 16 – 64                                      |                                                            |
 * |              | `size_variation` | bytes | 0 – 15                                       | always below `average_size`, as Toxiproxy requires          |
 * |              | `delay`          | µs    | 0 – 10000                                    | Toxiproxy's slicer delay is in microseconds                |
 * | `limit_data` | `bytes`          | bytes | 64 – 1024                                    | cuts an answer short mid-body                              |
 * | `noop`       | —                |       |                                              | a control: passes data unchanged                           |
 *
 * Every toxic is injected with toxicity 1.0 (every connection is affected): how much chaos there is
 * is set by `TOXIC_PROB` per tick, not by toxicity.
 */
import type { Random, Settings, ToxicType } from '@chaos-lab/common';
import type { Stream } from '../toxiproxy/gateway.js';

/** The streams, in the order the chaos loop picks from. */
export const STREAMS: readonly Stream[] = ['upstream', 'downstream'];

/** The toxicity of every injected toxic (see the file comment). */
export const INJECTED_TOXICITY = 1;

/** One attribute of a toxic type and the inclusive integer range it is drawn from. */
export interface AttributeRange {
  /** Toxiproxy's attribute name, e.g. `timeout`. */
  readonly attribute: string;
  /** Unit, for docs and `/status`: `ms`, `µs`, `KB/s` or `bytes`. */
  readonly unit: 'ms' | 'µs' | 'KB/s' | 'bytes';
  readonly min: number;
  readonly max: number;
}

/** The settings the ranges depend on. */
export type CatalogSettings = Pick<Settings, 'PROXY_TIMEOUT_MS'>;

const range = (attribute: string, unit: AttributeRange['unit'], min: number, max: number): AttributeRange => ({
  attribute,
  unit,
  min,
  max,
});

/**
 * The attribute ranges of each toxic type (the table in the file comment), in draw order.
 * @param settings `PROXY_TIMEOUT_MS` (ms) sets the timeout toxic's range
 */
export function attributeRanges(type: ToxicType, settings: CatalogSettings): readonly AttributeRange[] {
  switch (type) {
    case 'timeout':
      return [
        range(
          'timeout',
          'ms',
          Math.floor(0.5 * settings.PROXY_TIMEOUT_MS),
          Math.floor(1.5 * settings.PROXY_TIMEOUT_MS),
        ),
      ];
    case 'latency':
      return [range('latency', 'ms', 250, 2500), range('jitter', 'ms', 0, 250)];
    case 'bandwidth':
      return [range('rate', 'KB/s', 1, 64)];
    case 'slow_close':
      return [range('delay', 'ms', 500, 3000)];
    case 'reset_peer':
      return [range('timeout', 'ms', 0, 1000)];
    case 'slicer':
      return [
        range('average_size', 'bytes', 16, 64),
        range('size_variation', 'bytes', 0, 15),
        range('delay', 'µs', 0, 10_000),
      ];
    case 'limit_data':
      return [range('bytes', 'bytes', 64, 1024)];
    case 'noop':
      return [];
  }
}

/**
 * Draws a toxic type's attributes, one `random.int` per attribute in table order.
 * @returns attribute name → value in the attribute's unit
 */
export function drawAttributes(type: ToxicType, random: Random, settings: CatalogSettings): Record<string, number> {
  const attributes: Record<string, number> = {};
  for (const r of attributeRanges(type, settings)) attributes[r.attribute] = random.int(r.min, r.max);
  return attributes;
}
