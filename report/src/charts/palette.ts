/**
 * The charts' fixed colours. Each tool service has ONE colour, the same in every chart (a tool
 * takes its service's colour), keyed by the registry's {@link SERVICE_NAMES} order so a service keeps
 * its colour whichever services a run touched. Red and green are kept out of the service colours:
 * they mean failed and correct.
 */
import { PROMPT_STATUSES, SERVICE_NAMES, TOXIC_TYPES, type PromptStatus } from '@chaos-lab/common';
import { ATTEMPT_CAUSES, type AttemptCause } from '../read-model/run-rows.js';

/** Service colours, in {@link SERVICE_NAMES} order (from the Tableau 10 scheme, red and green left out). */
const SERVICE_COLOURS = ['#4c78a8', '#f58518', '#b279a2', '#72b7b2', '#9d755d', '#d4a72c', '#ff9da6'];

/** Colours of toxic types, in {@link TOXIC_TYPES} order (ColorBrewer Dark2). */
const TOXIC_COLOURS = ['#1b9e77', '#66a61e', '#a6761d', '#d95f02', '#e7298a', '#7570b3', '#e6ab02', '#666666'];

/** The colour of anything the registry does not know (a service or toxic type added later). */
const UNKNOWN_COLOUR = '#bab0ac';

/**
 * Prompt status colours: green for correct, grey for unchecked (answered, nobody checked: neither
 * good nor bad), oranges for answered badly (wrong) or not at all (unhandled), red for failed,
 * purple for interrupted.
 */
export const STATUS_COLOURS: Readonly<Record<PromptStatus, string>> = {
  correct: '#54a24b',
  unchecked: '#a0a0a0',
  wrong: '#f28e2b',
  unhandled: '#ffbf79',
  failed: '#e45756',
  interrupted: '#8e6bb0',
};

/** Colours of the causes of failed attempts (attempt_causes): the fault kinds warm, the client's own causes cool, unknown dark. */
export const CAUSE_COLOURS: Readonly<Record<AttemptCause, string>> = {
  simulated_error: '#e7298a',
  service_down: '#7b3294',
  toxic: '#d95f02',
  cancelled: '#9ecae9',
  client_timeout: '#1f78b4',
  unknown: '#333333',
};

/** Colour of the bands that mark when a toxic was on a proxy, with {@link TOXIC_BAND_OPACITY}. */
export const TOXIC_BAND_COLOUR = '#d95f02';

/** Opacity of one toxic band; overlapping toxics on the same proxy add up to a darker band. */
export const TOXIC_BAND_OPACITY = 0.12;

/** A vega-lite colour scale: the categories in order, and one colour each. */
export interface ColourScale {
  readonly domain: string[];
  readonly range: string[];
}

/** The colour scale of prompt statuses, correct first (the bottom of a stack). */
export const PROMPT_STATUS_SCALE: ColourScale = {
  domain: [...PROMPT_STATUSES],
  range: PROMPT_STATUSES.map((s) => STATUS_COLOURS[s]),
};

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
 * The colour scale of the causes of failed attempts: every known cause in the attribution's
 * precedence order (so a chart shows the causes that did not occur too), then any other cause
 * present (a fault kind added later, e.g. a planned `http_error`) in the unknown colour.
 * @param present causes that appear in a chart
 */
export function causeScale(present: Iterable<string> = []): ColourScale {
  return scaleFor(
    [...ATTEMPT_CAUSES, ...present],
    ATTEMPT_CAUSES,
    ATTEMPT_CAUSES.map((c) => CAUSE_COLOURS[c as AttemptCause]),
  );
}

/**
 * The colour scale of the given toxic types, in Toxiproxy's type order.
 * @param present toxic type names that appear in a chart
 */
export function toxicTypeScale(present: Iterable<string>): ColourScale {
  return scaleFor(present, TOXIC_TYPES, TOXIC_COLOURS);
}
