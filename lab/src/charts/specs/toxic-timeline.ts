/**
 * A timeline of toxics per proxy over the run: one bar per toxic event from its start to its end
 * (or the end of the run when it was never closed), one row per proxy, upstream and downstream
 * side by side, coloured by toxic type.
 */
import { SERVICES } from '@chaos-lab/common';
import type { RunAnalysis } from '../analysis.js';
import type { ChartDefinition } from '../chart.js';
import { toxicTypeScale } from '../palette.js';
import { chartSpec, noDataPanel, PANEL, plural, TIME_AXIS_TITLE, timeScaleX } from '../spec-kit.js';

const PROXY_TITLE = 'proxy';
const STREAMS = ['upstream', 'downstream'] as const;

/** Every registry proxy (so a quiet proxy shows as an empty row), then any other proxy the run saw. */
function proxyOrder(present: Iterable<string>): string[] {
  const known = SERVICES.map((s) => s.proxyName);
  return [...known, ...[...new Set(present)].filter((p) => !known.includes(p)).sort()];
}

/** The toxic-timeline chart. */
export const toxicTimelineChart: ChartDefinition = {
  name: 'toxic-timeline',
  title: 'Toxics per proxy over the run',
  description:
    'Each bar is one toxic on a proxy, from its injection to its removal (to the end of the run, with a dashed outline, when it was never removed); ' +
    'upper half of a row: upstream, lower half: downstream. Colour: toxic type.',
  build(analysis: RunAnalysis) {
    const { toxics } = analysis;
    if (toxics.length === 0) {
      return chartSpec(this.title, 'no toxic was injected in this run', noDataPanel({ xTitle: TIME_AXIS_TITLE, yTitle: PROXY_TITLE, message: 'no toxics in this run' }));
    }
    const proxies = new Set(toxics.map((t) => t.proxy));
    const subtitle = [
      `${plural(toxics.length, 'toxic')} on ${proxies.size} of ${proxyOrder(proxies).length} proxies; colour: toxic type`,
      'upper half of a row: upstream, lower half: downstream; dashed outline: never removed',
    ];
    // A toxic shorter than a pixel would vanish: draw at least a sliver, keeping its true start.
    const minWidthS = Math.max(analysis.durationS, analysis.bucketS) / PANEL.width;
    const values = toxics.map((t) => ({
      proxy: t.proxy,
      stream: t.stream,
      type: t.type,
      startS: t.startS,
      endS: Math.max(t.endS, t.startS + minWidthS),
      open: t.open,
    }));
    const order = proxyOrder(proxies);
    return chartSpec(this.title, subtitle, {
      width: PANEL.width,
      height: { step: 12, for: 'offset' },
      data: { values },
      mark: { type: 'bar', cornerRadius: 2, clip: true },
      encoding: {
        x: timeScaleX(analysis),
        x2: { field: 'endS' },
        y: { field: 'proxy', type: 'nominal', title: PROXY_TITLE, sort: order, scale: { domain: order } },
        yOffset: { field: 'stream', type: 'nominal', sort: STREAMS, scale: { domain: STREAMS } },
        color: { field: 'type', type: 'nominal', title: 'toxic type', scale: toxicTypeScale(values.map((v) => v.type)) },
        stroke: { condition: { test: 'datum.open', value: '#000' }, value: null },
        strokeDash: { condition: { test: 'datum.open', value: [3, 2] }, value: [1, 0] },
      },
    });
  },
};
