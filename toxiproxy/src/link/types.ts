/**
 * What a link is made of, as the proxy, its connections and the metrics name it: a direction, the
 * toxics of that direction, and its byte counters.
 */
import type { ToxicAttributes, ToxicType } from '../toxics/toxic.js';

/** A link's direction: `upstream` is client → server, `downstream` is server → client. */
export type Direction = 'upstream' | 'downstream';

/** A toxic as a link needs it: what, how often, with which attributes. */
export interface LinkToxic {
  readonly name: string;
  readonly type: ToxicType;
  /** Probability (0–1) that the toxic applies to this link; rolled when it is added or updated. */
  readonly toxicity: number;
  readonly attributes: ToxicAttributes;
}

/** Byte counters of a link (read from the source, written to the destination). */
export interface LinkCounters {
  received: number;
  sent: number;
}
