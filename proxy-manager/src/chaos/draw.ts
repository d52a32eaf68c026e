/**
 * The chaos decisions of one tick, drawn from the seeded random source.
 *
 * Replay rule: on every tick where the run is `active`, one decision is drawn for every proxy, in
 * registry order, whether or not that proxy can take a toxic right now; a decision draws, in order,
 * `chance(TOXIC_PROB)`, then (when it fires) the type from `TOXICS`, the stream, the attributes (see
 * `toxic-catalog.ts`) and the duration from `TOXIC_DURATION_MS`. How many numbers a tick consumes thus
 * depends only on the numbers themselves, so the same seed and the same sequence of active ticks give
 * the same decisions, however long Toxiproxy or the database took to answer.
 *
 * The `timeout` toxic must be able to time a call out, as its name promises.
 * Toxiproxy 2.12.0 semantics (see docs/toxiproxy.md): the toxic drops every byte of its stream; with
 * `timeout = N > 0` it closes the connection N ms after the last byte it dropped, with `timeout = 0`
 * it holds the connection silent; either way it closes the connections it holds when it is removed.
 * So what a call meets depends on two numbers, the attribute and how long the toxic stays:
 *
 *   attribute  ⌊0.5·PROXY_TIMEOUT_MS⌋ – ⌊1.5·PROXY_TIMEOUT_MS⌋ (2500–7500 ms by default, see toxic-catalog.ts)
 *   duration   max(TOXIC_DURATION_MS draw, attribute)   (for timeout toxics only)
 *
 *   attribute <  PROXY_TIMEOUT_MS  ─▶ Toxiproxy closes first: the agent records `closed`
 *   attribute ≥  PROXY_TIMEOUT_MS  ─▶ a call that meets the toxic at least PROXY_TIMEOUT_MS before its
 *                                    removal times out (`timeout`); a later one is closed by the removal
 *
 * The duration floor is what makes the second row possible: with the default durations (2–6 s) a
 * toxic removed before the agent's 5 s deadline closes every connection it held, so a timeout toxic
 * could only ever close calls (an attribute drawn from 50–80 % of PROXY_TIMEOUT_MS would record
 * every such call as a reset). Measured by simulation of uniform call arrivals with the defaults: about
 * 12 % of the calls a timeout toxic meets time out, the rest are closed; a timeout toxic stays 5.4 s on
 * average instead of 4 s. `timeout = 0` is never drawn (with removal it is only a shorter attribute).
 * The floor uses numbers already drawn, so the replay rule above is unchanged.
 */
import type { Random, Settings, ToxicType } from '@chaos-lab/common';
import type { Stream } from '../toxiproxy/gateway.js';
import { LOOP_TOXIC_PREFIX } from '../toxiproxy/toxic-names.js';
import { drawAttributes, INJECTED_TOXICITY, STREAMS, type CatalogSettings } from './toxic-catalog.js';

/** A toxic the loop has decided to inject. */
export interface ToxicPlan {
  /** Toxiproxy proxy name, e.g. `weather_proxy`. */
  readonly proxy: string;
  /**
   * Toxic name, `chaos_<type>_<stream>` (one injected toxic per proxy at a time, so it is unique; the
   * prefix marks it as the lab's: `toxiproxy/toxic-names.ts`).
   */
  readonly name: string;
  readonly type: ToxicType;
  readonly stream: Stream;
  /** Probability in [0, 1] that a connection is affected. */
  readonly toxicity: number;
  /** Toxiproxy attributes, in their units (see `toxic-catalog.ts`). */
  readonly attributes: Readonly<Record<string, number>>;
  /** How long the toxic stays, ms: the `TOXIC_DURATION_MS` draw, at least its `timeout` for a timeout toxic. */
  readonly durationMs: number;
}

/** The settings a draw reads. */
export type DrawSettings = CatalogSettings & Pick<Settings, 'TOXIC_PROB' | 'TOXICS' | 'TOXIC_DURATION_MS'>;

/**
 * Draws one active tick's decisions.
 * @param proxies the proxy names, in registry order
 * @returns one entry per proxy, in the same order: a plan, or undefined when no toxic is drawn
 */
export function drawTick(
  random: Random,
  proxies: readonly string[],
  settings: DrawSettings,
): (ToxicPlan | undefined)[] {
  return proxies.map((proxy) => {
    if (!random.chance(settings.TOXIC_PROB)) return undefined;
    const type = random.pick(settings.TOXICS);
    const stream = random.pick(STREAMS);
    const attributes = drawAttributes(type, random, settings);
    const drawnMs = random.int(settings.TOXIC_DURATION_MS.min, settings.TOXIC_DURATION_MS.max);
    // A timeout toxic stays until its own timeout could fire (see the file comment).
    const durationMs = type === 'timeout' ? Math.max(drawnMs, attributes.timeout ?? 0) : drawnMs;
    return {
      proxy,
      name: `${LOOP_TOXIC_PREFIX}${type}_${stream}`,
      type,
      stream,
      toxicity: INJECTED_TOXICITY,
      attributes,
      durationMs,
    };
  });
}
