/**
 * Building blocks shared by the chart specs (vega-lite 6): the page-wide look, the time axis, the
 * "no data" panel, and the bands that show when toxics were active.
 *
 * Specs are plain JSON objects; {@link chartSpec} types the finished whole as a vega-lite
 * `TopLevelSpec`, and vega-lite validates it when it compiles (see render.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { timeBuckets, type Bucket, type RunAnalysis } from '../read-model/analysis.js';
import { TOXIC_BAND_COLOUR, TOXIC_BAND_OPACITY } from './palette.js';

/** A vega-lite view (unit, layer or concat) as a JSON object. */
export type ViewSpec = Record<string, unknown>;

/** The font every chart names; render.ts hands the same family to the PNG renderer. */
export const FONT_FAMILY = 'DejaVu Sans';

/** Title of every time axis. */
export const TIME_AXIS_TITLE = 'time since run start (s)';

/** Plot size of a full-width panel, px (SVG user units; the PNG is drawn at twice this). */
export const PANEL = { width: 640, height: 220 } as const;

const CONFIG = {
  font: `${FONT_FAMILY}, Helvetica, Arial, sans-serif`,
  background: 'white',
  padding: 12,
  title: { fontSize: 16, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555', offset: 12 },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    titleFontWeight: 'normal',
    titleColor: '#222',
    labelColor: '#333',
    gridColor: '#eee',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', labelLimit: 220 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#ddd' },
  concat: { spacing: 28 },
};

/**
 * A complete chart: the shared look, a title and subtitle, around a view.
 * @param title the chart's title
 * @param subtitle one line (or several) explaining what is drawn
 * @param view the chart body (unit, layer or concat spec)
 */
export function chartSpec(title: string, subtitle: string | string[], view: ViewSpec): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    config: CONFIG,
    ...view,
  } as TopLevelSpec;
}

/**
 * A panel that states there is nothing to draw: an empty plot frame that keeps its axis titles,
 * with the message in the middle, so a reader sees which chart is empty and why.
 * @param options axis titles, the message, the plot size
 */
export function noDataPanel(options: {
  xTitle: string;
  yTitle: string;
  message: string;
  width?: number;
  height?: number;
}): ViewSpec {
  const hiddenScale = (title: string) => ({
    type: 'quantitative',
    scale: { domain: [0, 1] },
    axis: { title, labels: false, ticks: false, grid: false },
  });
  return {
    width: options.width ?? PANEL.width,
    height: options.height ?? PANEL.height,
    data: { values: [{ message: options.message }] },
    mark: { type: 'text', fontSize: 15, color: '#777' },
    encoding: {
      x: { datum: 0.5, ...hiddenScale(options.xTitle) },
      y: { datum: 0.5, ...hiddenScale(options.yTitle) },
      text: { field: 'message' },
    },
  };
}

/**
 * The time axis of the over-time charts: seconds since the run started, from 0 to the end of the
 * last time bucket, the same in every chart so they line up.
 */
export function timeScaleX(analysis: RunAnalysis, field = 'startS'): ViewSpec {
  const end = timeBuckets(analysis).at(-1)!.endS;
  return { field, type: 'quantitative', title: TIME_AXIS_TITLE, scale: { domain: [0, end], nice: false, zero: true } };
}

/**
 * A layer of translucent bands, one per toxic on ONE proxy, across the whole plot height: where
 * they overlap more toxics were active at once on that proxy. Toxics on other proxies are never
 * drawn here: they did not touch this proxy's traffic. Undefined when the proxy had no toxic.
 * @param proxy the proxy name, `<service>_proxy`
 */
export function toxicBandsLayer(analysis: RunAnalysis, proxy: string): ViewSpec | undefined {
  const toxics = analysis.toxics.filter((t) => t.row === proxy);
  if (toxics.length === 0) return undefined;
  return {
    data: {
      values: toxics.map((t) => ({
        startS: t.startS,
        endS: t.endS,
        toxic: `${t.type} ${t.stream ?? ''} #${t.id}`.replace('  ', ' '),
        attributes: JSON.stringify(t.attributes),
        window: `${t.startS.toFixed(1)}–${t.open ? 'end (never removed)' : `${t.endS.toFixed(1)} s`}`,
      })),
    },
    mark: { type: 'rect', color: TOXIC_BAND_COLOUR, opacity: TOXIC_BAND_OPACITY, clip: true },
    encoding: {
      x: timeScaleX(analysis),
      x2: { field: 'endS' },
      tooltip: [
        { field: 'toxic', title: `toxic on ${proxy}` },
        { field: 'attributes', title: 'attributes' },
        { field: 'window', title: 'active (s since start)' },
      ],
    },
  };
}

/** `1 toxic`, `3 toxics`: a count with its noun (plural by adding s). */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Formats seconds for a title: `5 s`, `0.5 s`, `2 min`. */
export function formatSeconds(s: number): string {
  if (s >= 60 && s % 60 === 0) return `${s / 60} min`;
  return `${Number(s.toPrecision(3))} s`;
}

/** One stacked bar segment: a category's share of one time bucket. */
export interface StackedSegment {
  readonly startS: number;
  readonly endS: number;
  readonly category: string;
  /** Bottom and top of the segment in the stack. */
  readonly y0: number;
  readonly y1: number;
  /** The segment's own value (its height): the count times the scale. */
  readonly value: number;
}

/**
 * Counts items per time bucket and category and stacks the categories in the given order, so a
 * bar chart over time draws each segment with x/x2 (the bucket) and y/y2 (its place in the stack),
 * the order fixed here rather than left to vega-lite's stacking.
 * @param buckets the time buckets
 * @param items what to count, each with its bucket index and category
 * @param order category order, bottom first (categories missing from it are left out)
 * @param scale multiplies each count (e.g. `1 / bucketS` to turn counts into rates per second)
 * @returns one segment per non-empty bucket and category
 */
export function stackByBucket(
  buckets: readonly Bucket[],
  items: readonly { bucket: number; category: string }[],
  order: readonly string[],
  scale = 1,
): StackedSegment[] {
  const counts = buckets.map(() => new Map<string, number>());
  for (const item of items) counts[item.bucket]!.set(item.category, (counts[item.bucket]!.get(item.category) ?? 0) + 1);
  const segments: StackedSegment[] = [];
  for (const bucket of buckets) {
    let y = 0;
    for (const category of order) {
      const count = counts[bucket.index]!.get(category);
      if (!count) continue;
      segments.push({
        startS: bucket.startS,
        endS: bucket.endS,
        category,
        y0: y,
        y1: y + count * scale,
        value: count * scale,
      });
      y += count * scale;
    }
  }
  return segments;
}

/** Axis settings for counts: whole-number ticks only. */
export const COUNT_AXIS = { tickMinStep: 1, format: 'd' } as const;
