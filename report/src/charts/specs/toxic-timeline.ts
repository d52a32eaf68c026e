/**
 * Faults and attempts per proxy over the run: one row per proxy in three lanes. Each fault event on
 * the proxy is a bar from its start to its end (or the end of the run when it was never closed):
 * an upstream toxic in the top lane, a downstream one in the middle lane, a service down across both.
 * The bottom lane has every attempt through that proxy as a tick at its start, coloured by its
 * result: answered, or the cause of its failure (attempt_causes). A toxic marks only its own proxy.
 */
import { SERVICES } from '@chaos-lab/common';
import type { RunAnalysis } from '../../read-model/analysis.js';
import type { ChartDefinition } from '../chart.js';
import { causeScale, toxicTypeScale } from '../palette.js';
import { chartSpec, noDataPanel, PANEL, plural, TIME_AXIS_TITLE, timeScaleX } from '../spec-kit.js';

const PROXY_TITLE = 'proxy';
/** Lanes of a proxy's row: toxics by stream (a fault with no stream fills both), then the attempts. */
const LANES = ['upstream', 'downstream', 'attempts'] as const;
/** What an attempt that got an answer is called in the tick legend. */
const ANSWERED = 'answered';

/** Every registry proxy (so a quiet proxy shows as an empty row), then any other proxy the run saw. */
function proxyOrder(present: Iterable<string>): string[] {
  const known = SERVICES.map((s) => s.proxyName);
  return [...known, ...[...new Set(present)].filter((p) => !known.includes(p)).sort()];
}

/** The toxic-timeline chart. */
export const toxicTimelineChart: ChartDefinition = {
  name: 'toxic-timeline',
  title: 'Faults and attempts per proxy over the run',
  description:
    'Each bar is one fault on a proxy row, from its start to its end (to the end of the run, with a dashed outline, when it was never removed): ' +
    'top lane of a row: upstream toxics, middle lane: downstream toxics, both: a service down. ' +
    'Bottom lane: the attempts through that proxy, grey when answered, coloured by the cause when they failed. Hover for details.',
  build(analysis: RunAnalysis) {
    const { faults } = analysis;
    const viaProxy = analysis.attempts.filter((a) => a.via === 'proxy');
    if (faults.length === 0 && viaProxy.length === 0) {
      return chartSpec(
        this.title,
        'no fault and no attempt through a proxy in this run',
        noDataPanel({
          xTitle: TIME_AXIS_TITLE,
          yTitle: PROXY_TITLE,
          message: 'no toxics and no tool calls in this run',
        }),
      );
    }
    const order = proxyOrder([...faults.map((f) => f.row), ...viaProxy.map((a) => `${a.service}_proxy`)]);
    const subtitle = [
      faults.length === 0
        ? 'no fault in this run'
        : `${plural(faults.length, 'fault')} on ${new Set(faults.map((f) => f.row)).size} of ${order.length} proxies; bar colour: toxic type`,
      'lanes of a row: upstream, downstream, attempts (coloured by the cause of a failure); dashed outline: never removed',
    ];
    // A fault shorter than a pixel would vanish: draw at least a sliver, keeping its true start.
    const minWidthS = Math.max(analysis.durationS, analysis.bucketS) / PANEL.width;
    // A fault with no stream (a service down) fills both fault lanes.
    const bars = faults.flatMap((f) =>
      (f.stream ? [f.stream] : ['upstream', 'downstream']).map((lane) => ({
        proxy: f.row,
        lane,
        type: f.kind === 'toxic' ? f.type : f.kind,
        fault: `${f.kind} #${f.id}${f.stream ? ` (${f.stream})` : ''}`,
        attributes: JSON.stringify(f.attributes),
        startS: f.startS,
        endS: Math.max(f.endS, f.startS + minWidthS),
        open: f.open,
      })),
    );
    const ticks = viaProxy.map((a) => ({
      proxy: `${a.service}_proxy`,
      lane: 'attempts',
      startS: a.startS,
      result: a.cause ?? ANSWERED,
      tool: a.tool,
      prompt: a.promptIndex,
      attempt: a.attempt,
      outcome: a.httpStatus === null ? a.outcome : `${a.outcome} ${a.httpStatus}`,
      durationMs: a.durationMs,
    }));
    const causes = causeScale(viaProxy.flatMap((a) => (a.cause === null ? [] : [a.cause])));
    const y = { field: 'proxy', type: 'nominal', title: PROXY_TITLE, sort: order, scale: { domain: order } };
    const faultTypes = toxicTypeScale(bars.map((b) => b.type));
    const layers: object[] = [];
    const yOffset = { field: 'lane', type: 'nominal', sort: LANES, scale: { domain: LANES } };
    const barEncoding = {
      x: timeScaleX(analysis),
      x2: { field: 'endS' },
      y,
      yOffset,
      color: { field: 'type', type: 'nominal', title: 'fault type', scale: faultTypes },
      stroke: { condition: { test: 'datum.open', value: '#000' }, value: null },
      strokeDash: { condition: { test: 'datum.open', value: [3, 2] }, value: [1, 0] },
      tooltip: [
        { field: 'fault', title: 'fault' },
        { field: 'type', title: 'type' },
        { field: 'proxy', title: 'proxy' },
        { field: 'attributes', title: 'attributes' },
        { field: 'startS', title: 'from (s)', format: '.2f' },
        { field: 'endS', title: 'to (s)', format: '.2f' },
      ],
    };
    if (bars.length > 0) {
      layers.push({
        data: { values: bars },
        mark: { type: 'bar', cornerRadius: 2, clip: true },
        encoding: barEncoding,
      });
    }
    if (ticks.length > 0) {
      layers.push({
        data: { values: ticks },
        mark: { type: 'tick', thickness: 1.5, opacity: 0.9 },
        encoding: {
          x: timeScaleX(analysis),
          y,
          yOffset,
          color: {
            field: 'result',
            type: 'nominal',
            title: 'attempt',
            scale: { domain: [ANSWERED, ...causes.domain], range: ['#bbbbbb', ...causes.range] },
          },
          tooltip: [
            { field: 'tool', title: 'tool' },
            { field: 'prompt', title: 'prompt' },
            { field: 'attempt', title: 'attempt' },
            { field: 'outcome', title: 'outcome' },
            { field: 'result', title: 'cause' },
            { field: 'startS', title: 'at (s)', format: '.2f' },
            { field: 'durationMs', title: 'took (ms)' },
          ],
        },
      });
    }
    return chartSpec(this.title, subtitle, {
      width: PANEL.width,
      height: { step: 9, for: 'offset' },
      layer: layers,
      resolve: { scale: { color: 'independent' } },
    });
  },
};
