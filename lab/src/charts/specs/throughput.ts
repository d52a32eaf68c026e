/**
 * Throughput over time: tool call attempts per second, stacked by service, and prompts completed
 * per time bucket, split by outcome, above a shared time axis with the toxic bands behind.
 */
import { bucketIndex, timeBuckets, type RunAnalysis } from '../analysis.js';
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
  toxicBandsNote,
  type ViewSpec,
} from '../spec-kit.js';

/** Y title of the tool-call panel. */
const CALLS_TITLE = 'tool call attempts (calls/s)';

/** Stacked bars over time, with the toxic bands behind them. */
function stackedBarsOverTime(analysis: RunAnalysis, segments: object[], y: ViewSpec, colour: ViewSpec): ViewSpec {
  const bands = toxicBandsLayer(analysis);
  const bars = {
    data: { values: segments },
    mark: { type: 'bar', stroke: 'white', strokeWidth: 0.5 },
    encoding: {
      x: timeScaleX(analysis),
      x2: { field: 'endS' },
      y: { field: 'y1', type: 'quantitative', ...y },
      y2: { field: 'y0' },
      color: colour,
    },
  };
  return { width: PANEL.width, height: PANEL.height, layer: bands ? [bands, bars] : [bars] };
}

function callsPanel(analysis: RunAnalysis): ViewSpec {
  if (analysis.attempts.length === 0) {
    return noDataPanel({ xTitle: TIME_AXIS_TITLE, yTitle: CALLS_TITLE, message: 'no tool calls in this run' });
  }
  const colours = serviceScale(analysis.attempts.map((a) => a.service));
  const items = analysis.attempts.map((a) => ({ bucket: bucketIndex(analysis, a.startS), category: a.service }));
  const segments = stackByBucket(timeBuckets(analysis), items, colours.domain, 1 / analysis.bucketS);
  return stackedBarsOverTime(analysis, segments, { title: CALLS_TITLE }, {
    field: 'category',
    type: 'nominal',
    title: 'service',
    scale: colours,
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
  return stackedBarsOverTime(analysis, segments, { title: yTitle, axis: COUNT_AXIS }, {
    field: 'category',
    type: 'nominal',
    title: 'prompt',
    scale: PROMPT_STATUS_SCALE,
  });
}

/** The throughput chart. */
export const throughputChart: ChartDefinition = {
  name: 'throughput',
  title: 'Throughput over time',
  description:
    'Top: tool call attempts sent per second (retries and fallbacks included), stacked by service. ' +
    'Bottom: prompts that finished in each time bucket. Shaded bands: a toxic was on a proxy (darker where several overlap).',
  build(analysis) {
    return chartSpec(
      this.title,
      `${formatSeconds(analysis.bucketS)} buckets; ${toxicBandsNote(analysis)}`,
      { vconcat: [callsPanel(analysis), promptsPanel(analysis)], resolve: { scale: { color: 'independent' } } },
    );
  },
};
