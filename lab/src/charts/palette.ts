/**
 * The charts' fixed colours. Each tool service has ONE colour, the same in every chart (a tool
 * takes its service's colour), keyed by the registry's {@link SERVICE_NAMES} order so a service keeps
 * its colour whichever services a run touched. Red and green are kept out of the service colours:
 * they mean failed and succeeded.
 */
import { SERVICE_NAMES, TOXIC_TYPES } from '@chaos-lab/common';

/** Service colours, in {@link SERVICE_NAMES} order (from the Tableau 10 scheme, red and green left out). */
const SERVICE_COLOURS = ['#4c78a8', '#f58518', '#b279a2', '#72b7b2', '#9d755d', '#d4a72c', '#ff9da6'];

/** Colours of toxic types, in {@link TOXIC_TYPES} order (ColorBrewer Dark2). */
const TOXIC_COLOURS = ['#1b9e77', '#66a61e', '#a6761d', '#d95f02', '#e7298a', '#7570b3', '#e6ab02', '#666666'];

/** The colour of anything the registry does not know (a service or toxic type added later). */
const UNKNOWN_COLOUR = '#bab0ac';

/** Outcome colours: succeeded and failed. */
export const STATUS_COLOURS = { succeeded: '#54a24b', failed: '#e45756' } as const;

/** Colour of the bands that mark when toxics were active, with {@link TOXIC_BAND_OPACITY}. */
export const TOXIC_BAND_COLOUR = '#d95f02';

/** Opacity of one toxic band; overlapping toxics add up to a darker band. */
export const TOXIC_BAND_OPACITY = 0.07;

/** A vega-lite colour scale: the categories in order, and one colour each. */
export interface ColourScale {
  readonly domain: string[];
  readonly range: string[];
}

/** The colour scale of prompt outcomes, succeeded first (the bottom of a stack). */
export const PROMPT_STATUS_SCALE: ColourScale = { domain: ['succeeded', 'failed'], range: [STATUS_COLOURS.succeeded, STATUS_COLOURS.failed] };

/** Orders `present` by `known` (unknown names last, alphabetically) and colours them. */
function scaleFor(present: Iterable<string>, known: readonly string[], colours: readonly string[]): ColourScale {
  const names = [...new Set(present)];
  const rank = (name: string) => {
    const i = known.indexOf(name);
    return i === -1 ? known.length : i;
  };
  names.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return { domain: names, range: names.map((n) => colours[known.indexOf(n)] ?? UNKNOWN_COLOUR) };
}

/**
 * The colour scale of the given services, registry order first.
 * @param present service names that appear in a chart (duplicates allowed)
 */
export function serviceScale(present: Iterable<string>): ColourScale {
  return scaleFor(present, SERVICE_NAMES, SERVICE_COLOURS);
}

/**
 * The colour scale of the given toxic types, in Toxiproxy's type order.
 * @param present toxic type names that appear in a chart
 */
export function toxicTypeScale(present: Iterable<string>): ColourScale {
  return scaleFor(present, TOXIC_TYPES, TOXIC_COLOURS);
}
