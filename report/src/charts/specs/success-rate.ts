/**
 * Success rate over time: per time bucket, the share of checked prompts finishing in it that were
 * correct (unchecked and interrupted prompts are left out: nobody judged them), and the share of tool
 * call attempts started in it that got an answer. Toxics are per proxy, so they are not shaded here
 * (a prompt or the mix of all tools has no one proxy): see the throughput and toxic-timeline charts.
 */
import { isChecked, isSuccess } from '@chaos-lab/common';
import { bucketIndex, timeBuckets, type Bucket, type RunAnalysis } from '../../read-model/analysis.js';
import type { ChartDefinition } from '../chart.js';
import { chartSpec, formatSeconds, noDataPanel, PANEL, TIME_AXIS_TITLE, timeScaleX } from '../spec-kit.js';

const RATE_TITLE = 'success rate (%)';

/** The two series, and their colours: greys, so they never read as a service's colour. */
const SERIES = { prompts: 'checked prompts correct', attempts: 'tool call attempts answered' } as const;
const SERIES_COLOURS = { domain: [SERIES.prompts, SERIES.attempts], range: ['#222222', '#8c8c8c'] };

/** One point: a series' success rate in one bucket; null where the bucket holds none of the series. */
interface RatePoint {
  readonly series: string;
  readonly midS: number;
  readonly ratePct: number | null;
  readonly total: number;
}

/**
 * Success rate per bucket of items placed in buckets. Empty buckets give a null rate, which breaks
 * the line there instead of drawing a slope across a stretch with no data.
 */
function ratesPerBucket(
  series: string,
  buckets: readonly Bucket[],
  items: readonly { bucket: number; ok: boolean }[],
): RatePoint[] {
  if (items.length === 0) return [];
  const ok = buckets.map(() => 0);
  const total = buckets.map(() => 0);
  for (const item of items) {
    total[item.bucket]!++;
    if (item.ok) ok[item.bucket]!++;
  }
  return buckets.map((b) => ({
    series,
    midS: (b.startS + b.endS) / 2,
    ratePct: total[b.index]! > 0 ? (100 * ok[b.index]!) / total[b.index]! : null,
    total: total[b.index]!,
  }));
}

/** The success-rate chart. */
export const successRateChart: ChartDefinition = {
  name: 'success-rate',
  title: 'Success rate over time',
  description:
    'Per time bucket: the share of checked prompts finishing in it that were correct (correct / (correct + wrong + unhandled + failed); ' +
    'unchecked answers are not counted as successes), and the share of tool call attempts (through the proxy or direct) that got an answer. ' +
    'Toxics act per proxy: see which proxy had one in the throughput and toxic-timeline charts.',
  build(analysis: RunAnalysis) {
    const buckets = timeBuckets(analysis);
    const points = [
      ...ratesPerBucket(
        SERIES.prompts,
        buckets,
        analysis.prompts
          .filter((p) => isChecked(p.status))
          .map((p) => ({
            bucket: bucketIndex(analysis, (p.finishedAt - analysis.startMs) / 1000),
            ok: isSuccess(p.status),
          })),
      ),
      ...ratesPerBucket(
        SERIES.attempts,
        buckets,
        analysis.attempts.map((a) => ({ bucket: bucketIndex(analysis, a.startS), ok: a.outcome === 'ok' })),
      ),
    ];
    const unchecked = analysis.prompts.filter((p) => p.status === 'unchecked').length;
    const subtitle = `${formatSeconds(analysis.bucketS)} buckets; ${unchecked} unchecked prompt${unchecked === 1 ? '' : 's'} left out of the prompt rate`;
    if (points.every((p) => p.ratePct === null)) {
      return chartSpec(
        this.title,
        subtitle,
        noDataPanel({
          xTitle: TIME_AXIS_TITLE,
          yTitle: RATE_TITLE,
          message: 'no prompt or tool call finished in this run',
        }),
      );
    }
    const series = {
      data: { values: points },
      encoding: {
        x: timeScaleX(analysis, 'midS'),
        y: { field: 'ratePct', type: 'quantitative', title: RATE_TITLE, scale: { domain: [0, 100] } },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: SERIES_COLOURS,
          legend: { symbolType: 'stroke', symbolStrokeWidth: 2 },
        },
      },
      layer: [
        {
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            strokeDash: {
              field: 'series',
              type: 'nominal',
              title: null,
              scale: {
                domain: SERIES_COLOURS.domain,
                range: [
                  [1, 0],
                  [5, 3],
                ],
              },
            },
          },
        },
        {
          transform: [{ filter: 'datum.ratePct !== null' }],
          mark: { type: 'point', filled: true, opacity: 0.9 },
          encoding: {
            tooltip: [
              { field: 'series', title: 'series' },
              { field: 'midS', title: 'bucket middle (s)', format: '.1f' },
              { field: 'ratePct', title: 'success rate (%)', format: '.1f' },
              { field: 'total', title: 'count in bucket' },
            ],
            size: {
              field: 'total',
              type: 'quantitative',
              title: 'count in bucket',
              scale: { domain: [1, points.reduce((max, p) => Math.max(max, p.total), 1)], range: [15, 150] },
              legend: { format: 'd', tickMinStep: 1, symbolFillColor: '#555' },
            },
          },
        },
      ],
    };
    return chartSpec(this.title, subtitle, { width: PANEL.width, height: PANEL.height, layer: [series] });
  },
};
