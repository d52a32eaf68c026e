/**
 * The chaos decisions of one tick, drawn from the seeded random source.
 *
 * Replay rule: on every tick where the run is `active`, one decision is drawn for every proxy, in
 * registry order, whether or not that proxy can take a toxic right now; a decision draws, in order,
 * `chance(TOXIC_PROB)`, then (when it fires) the type from `TOXICS`, the stream, the attributes (see
 * `toxic-catalog.ts`) and the duration from `TOXIC_DURATION_MS`. How many numbers a tick consumes thus
 * depends only on the numbers themselves, so the same seed and the same sequence of active ticks give
 * the same decisions, however long Toxiproxy or the database took to answer.
 */
import type { Random, Settings, ToxicType } from '@chaos-lab/common';
import { drawAttributes, INJECTED_TOXICITY, STREAMS, type CatalogSettings, type Stream } from './toxic-catalog.js';

/** A toxic the loop has decided to inject. */
export interface ToxicPlan {
  /** Toxiproxy proxy name, e.g. `weather_proxy`. */
  readonly proxy: string;
  /** Toxic name, `chaos_<type>_<stream>` (one injected toxic per proxy at a time, so it is unique). */
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: Stream;
  /** Probability in [0, 1] that a connection is affected. */
  readonly toxicity: number;
  /** Toxiproxy attributes, in their units (see `toxic-catalog.ts`). */
  readonly attributes: Readonly<Record<string, number>>;
  /** How long the toxic stays, ms. */
  readonly durationMs: number;
}

/** The settings a draw reads. */
export type DrawSettings = CatalogSettings & Pick<Settings, 'TOXIC_PROB' | 'TOXICS' | 'TOXIC_DURATION_MS'>;

/**
 * Draws one active tick's decisions.
 * @param proxies the proxy names, in registry order
 * @returns one entry per proxy, in the same order: a plan, or undefined when no toxic is drawn
 */
export function drawTick(random: Random, proxies: readonly string[], settings: DrawSettings): (ToxicPlan | undefined)[] {
  return proxies.map((proxy) => {
    if (!random.chance(settings.TOXIC_PROB)) return undefined;
    const type = random.pick(settings.TOXICS);
    const stream = random.pick(STREAMS);
    const attributes = drawAttributes(type, random, settings);
    const durationMs = random.int(settings.TOXIC_DURATION_MS.min, settings.TOXIC_DURATION_MS.max);
    return {
      proxy,
      name: `chaos_${type}_${stream}`,
      type,
      stream,
      toxicity: INJECTED_TOXICITY,
      attributes,
      durationMs,
    };
  });
}
