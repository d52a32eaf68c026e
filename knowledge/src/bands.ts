/**
 * The attribute bands of the knowledge: one documented table of how a fault event's strength is
 * binned, so that runs with a 300 ms and a 700 ms latency count as the same evidence and a planner can
 * ask where between two bands the prompts start to fail.
 *
 *   fault kind            attribute      unit    band edges          source of the value
 *   toxic:latency         latency        ms      250, 1000           attributes.latency
 *   toxic:timeout         timeout        ms      1, 1000, 5000       attributes.timeout (0: held until removed)
 *   toxic:bandwidth       rate           KB/s    10, 100             attributes.rate
 *   toxic:slow_close      delay          ms      250, 1000           attributes.delay
 *   toxic:reset_peer      timeout        ms      1, 1000             attributes.timeout
 *   toxic:slicer          delay          µs      100, 1000           attributes.delay
 *   toxic:limit_data      bytes          bytes   1024, 65536         attributes.bytes
 *   http_error            status         —       each status alone   attributes.status
 *   service:<action>      duration       ms      2000, 10000         ended_at − started_at
 *   service_down          duration       ms      2000, 10000         ended_at − started_at
 *   llm:slow_first_token  delay_ms       ms      1000, 5000          attributes.delay_ms
 *   llm:slow_stream       delay_ms       ms      250, 1000           attributes.delay_ms
 *   anything else         —              —       one band "any"
 *
 * A band is [low, high): `250–1000 ms` holds 250 and not 1000; the last is open, `1000+ ms`. Toxics
 * (Toxiproxy's `toxicity`: the share of connections the toxic acts on) with toxicity below 1 form their
 * own band group (`toxicity 0.5–1`, `toxicity 0–0.5`), so a toxic that touched half the connections is
 * never read as evidence about one that touched them all. Units follow Toxiproxy's toxics (docs/toxiproxy.md) and
 * model/src/gateway/faults.ts.
 */

/** How one fault kind is banded. */
export interface BandDefinition {
  /** The attribute, as named in the event's attributes (or `duration` for the event's own length). */
  readonly attribute: string;
  readonly unit: string;
  /** Ascending band edges; n edges make n + 1 bands. Empty with `exact`: one band per value. */
  readonly edges: readonly number[];
  /** One band per distinct value (HTTP statuses). */
  readonly exact?: boolean;
}

/** The table above, by fault kind. */
export const BANDS: Readonly<Record<string, BandDefinition>> = {
  'toxic:latency': { attribute: 'latency', unit: 'ms', edges: [250, 1000] },
  'toxic:timeout': { attribute: 'timeout', unit: 'ms', edges: [1, 1000, 5000] },
  'toxic:bandwidth': { attribute: 'rate', unit: 'KB/s', edges: [10, 100] },
  'toxic:slow_close': { attribute: 'delay', unit: 'ms', edges: [250, 1000] },
  'toxic:reset_peer': { attribute: 'timeout', unit: 'ms', edges: [1, 1000] },
  'toxic:slicer': { attribute: 'delay', unit: 'µs', edges: [100, 1000] },
  'toxic:limit_data': { attribute: 'bytes', unit: 'bytes', edges: [1024, 65536] },
  http_error: { attribute: 'status', unit: '', edges: [], exact: true },
  'service:kill': { attribute: 'duration', unit: 'ms', edges: [2000, 10000] },
  'service:stop': { attribute: 'duration', unit: 'ms', edges: [2000, 10000] },
  'service:pause': { attribute: 'duration', unit: 'ms', edges: [2000, 10000] },
  'service:restart': { attribute: 'duration', unit: 'ms', edges: [2000, 10000] },
  service_down: { attribute: 'duration', unit: 'ms', edges: [2000, 10000] },
  'llm:slow_first_token': { attribute: 'delay_ms', unit: 'ms', edges: [1000, 5000] },
  'llm:slow_stream': { attribute: 'delay_ms', unit: 'ms', edges: [250, 1000] },
};

/** The toxicity groups, highest first; a toxic's toxicity falls in the first whose `atLeast` it reaches. */
const TOXICITY_GROUPS = [
  { atLeast: 1, name: 'toxicity 1' },
  { atLeast: 0.5, name: 'toxicity 0.5–1' },
  { atLeast: 0, name: 'toxicity 0–0.5' },
] as const;

/** A fault event as the bands read it (a `fault_events` row). */
export interface BandedEvent {
  readonly kind: string;
  readonly type: string;
  readonly toxicity: number | null;
  /** The parsed `attributes` JSON. */
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly startedAt: number;
  /** When it ended; for an event never closed, the end of its run. */
  readonly endedAt: number;
}

/** Where an event falls. */
export interface Band {
  /** `toxic:latency`, `http_error`, `service:kill`, `service_down`, `llm:rate_limit`, … */
  readonly faultKind: string;
  /** `latency 250–1000 ms`, `status 503`, `any`; with ` · toxicity 0.5–1` for a partial toxic. */
  readonly band: string;
  /** The bands of one attribute and toxicity group share a group; only they are neighbours. */
  readonly group: string;
  /** Position in the group, 0 = the weakest; adjacent ranks are neighbouring bands; -1 unknown. */
  readonly rank: number;
}

/** The fault kind of an event: `toxic:<type>`, `service:<action>`, `llm:<kind>`, or the kind itself. */
export function faultKindOf(kind: string, type: string): string {
  return kind === 'toxic' || kind === 'service' || kind === 'llm' ? `${kind}:${type}` : kind;
}

/** The label of band `rank` of a definition, e.g. `250–1000 ms`, `1000+ ms`. */
export function bandLabel(def: BandDefinition, rank: number): string {
  const unit = def.unit === '' ? '' : ` ${def.unit}`;
  const low = rank === 0 ? 0 : def.edges[rank - 1]!;
  return rank >= def.edges.length
    ? `${def.attribute} ${low}+${unit}`
    : `${def.attribute} ${low}–${def.edges[rank]}${unit}`;
}

/** A whole value inside band `rank`, to plan a fault in it: the middle (rounded down), or 1.5 × the open band's low edge. */
export function bandValue(def: BandDefinition, rank: number): number {
  const low = rank === 0 ? 0 : def.edges[rank - 1]!;
  if (rank >= def.edges.length) return Math.round(low * 1.5);
  return Math.floor((low + def.edges[rank]!) / 2);
}

/**
 * Bins one fault event (see the table in the file comment).
 * @returns its fault kind, band, group and rank; an event without the attribute its kind is banded by
 *   lands in the band `<attribute> unknown` (rank -1), never in a guessed one
 */
export function bandOf(event: BandedEvent): Band {
  const faultKind = faultKindOf(event.kind, event.type);
  const def = BANDS[faultKind];
  const partial = event.kind === 'toxic' && event.toxicity !== null && event.toxicity < 1;
  const toxicity = partial ? TOXICITY_GROUPS.find((g) => event.toxicity! >= g.atLeast)!.name : null;
  const withToxicity = (label: string) => (toxicity === null ? label : `${label} · ${toxicity}`);
  const group = (name: string) => (toxicity === null ? name : `${name} · ${toxicity}`);
  if (def === undefined) return { faultKind, band: withToxicity('any'), group: group('any'), rank: 0 };
  const raw = def.attribute === 'duration' ? event.endedAt - event.startedAt : event.attributes[def.attribute];
  const value = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
  if (value === null)
    return { faultKind, band: withToxicity(`${def.attribute} unknown`), group: group(def.attribute), rank: -1 };
  if (def.exact)
    return {
      faultKind,
      band: withToxicity(`${def.attribute} ${value}`),
      group: group(`${def.attribute} ${value}`),
      rank: 0,
    };
  let rank = def.edges.findIndex((edge) => value < edge);
  if (rank === -1) rank = def.edges.length;
  return { faultKind, band: withToxicity(bandLabel(def, rank)), group: group(def.attribute), rank };
}
