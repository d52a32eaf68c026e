/**
 * Throughput over time: tool call attempts per second, one row per service with the toxics of THAT
 * service's proxy shaded behind it (a toxic on another proxy never shades a row), and prompts
 * completed per time bucket, stacked by status.
 */
import { bucketIndex, timeBuckets, type RunAnalysis } from '../../read-model/analysis.js';
import type { ChartDefinition } from '../chart.js';
import { PROMPT_STATUS_SCALE, serviceScale } from '../palette.js';
import {
  chartSpec,
  COUNT_AXIS,
  formatSeconds,
  noDataPanel,
  PANEL,
  stackByBucket,
  TIME_AXIS_TITLE,
  timeScaleX,
  toxicBandsLayer,
  type ViewSpec,
} from '../spec-kit.js';

/** Y title of each service's row (the service name goes before it). */
const CALLS_TITLE = 'calls/s';

/** Height of one service's row, px. */
const SERVICE_ROW_HEIGHT = 48;

/** Bars over time with tooltips, optionally with toxic bands behind them and a panel title. */
function barsOverTime(
  analysis: RunAnalysis,
  segments: object[],
  y: ViewSpec,
  colour: ViewSpec,
  height: number,
  bands?: ViewSpec,
  title?: string,
): ViewSpec {
  const bars = {
    data: { values: segments },
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: timeScaleX(analysis),
      x2: { field: 'endS' },
      y: { field: 'y1', type: 'quantitative', ...y },
      y2: { field: 'y0' },
      color: colour,
      tooltip: [
        { field: 'category', title: colour.title as string },
        { field: 'startS', title: 'from (s)', format: '.1f' },
        { field: 'endS', title: 'to (s)', format: '.1f' },
        { field: 'value', title: y.title as string, format: '.3~f' },
      ],
    },
  };
  return {
    ...(title === undefined
      ? {}
      : { title: { text: title, anchor: 'start', fontSize: 12, fontWeight: 'normal', offset: 2 } }),
    width: PANEL.width,
    height,
    layer: bands ? [bands, bars] : [bars],
  };
}

/** One row per service that had attempts: its attempts per second, its own proxy's toxics behind. */
function callsPanels(analysis: RunAnalysis): ViewSpec[] {
  if (analysis.attempts.length === 0) {
    return [noDataPanel({ xTitle: TIME_AXIS_TITLE, yTitle: CALLS_TITLE, message: 'no tool calls in this run' })];
  }
  const colours = serviceScale(analysis.attempts.map((a) => a.service));
  const buckets = timeBuckets(analysis);
  return colours.domain.map((service, i) => {
    const items = analysis.attempts
      .filter((a) => a.service === service)
      .map((a) => ({ bucket: bucketIndex(analysis, a.startS), category: a.service }));
    const segments = stackByBucket(buckets, items, [service], 1 / analysis.bucketS);
    const colour = {
      field: 'category',
      type: 'nominal',
      title: 'service',
      scale: { domain: [service], range: [colours.range[i]] },
      legend: null,
    };
    const title = `${service} (toxics on ${service}_proxy shaded)`;
    return barsOverTime(
      analysis,
      segments,
      { title: CALLS_TITLE, axis: { tickCount: 2 } },
      colour,
      SERVICE_ROW_HEIGHT,
      toxicBandsLayer(analysis, `${service}_proxy`),
      title,
    );
  });
}

function promptsPanel(analysis: RunAnalysis): ViewSpec {
  const yTitle = `prompts completed (per ${formatSeconds(analysis.bucketS)})`;
  if (analysis.prompts.length === 0) {
    return noDataPanel({ xTitle: TIME_AXIS_TITLE, yTitle, message: 'no prompt finished in this run' });
  }
  const items = analysis.prompts.map((p) => ({
    bucket: bucketIndex(analysis, (p.finishedAt - analysis.startMs) / 1000),
    category: p.status,
  }));
  const segments = stackByBucket(timeBuckets(analysis), items, PROMPT_STATUS_SCALE.domain);
  return barsOverTime(
    analysis,
    segments,
    { title: yTitle, axis: COUNT_AXIS },
    { field: 'category', type: 'nominal', title: 'prompt status', scale: PROMPT_STATUS_SCALE },
    PANEL.height,
  );
}

/** The throughput chart. */
export const throughputChart: ChartDefinition = {
  name: 'throughput',
  title: 'Throughput over time',
  description:
    "Top: tool call attempts sent per second (retries and fallbacks included), one row per service; shaded: a toxic was on that service's own proxy " +
    '(darker where several overlap). Bottom: prompts that finished in each time bucket, by status.',
  build(analysis) {
    const toxicNote =
      analysis.toxics.length > 0 ? "shaded: a toxic on that service's proxy" : 'no toxic was injected in this run';
    return chartSpec(this.title, `${formatSeconds(analysis.bucketS)} buckets; ${toxicNote}`, {
      vconcat: [...callsPanels(analysis), promptsPanel(analysis)],
      spacing: 6,
      resolve: { scale: { color: 'independent', y: 'independent' } },
    });
  },
};
