/**
 * Tool latency per tool, clean vs while a toxic was active on the tool's proxy: one box plot per
 * tool and condition, over the ANSWERED attempts made through the proxy (direct fallbacks bypass the
 * proxy and are left out; failed attempts are shown apart, by cause, in the errors chart).
 */
import { TOOL_NAMES } from '@chaos-lab/common';
import type { AttemptFact, RunAnalysis } from '../../read-model/analysis.js';
import type { ChartDefinition } from '../chart.js';
import { serviceScale } from '../palette.js';
import { chartSpec, noDataPanel, PANEL, plural } from '../spec-kit.js';

const LATENCY_TITLE = 'answered attempt latency (ms, log scale)';
const TOOL_TITLE = 'tool';

/** The two conditions an attempt ran under. */
const CONDITIONS = ['clean', "under a toxic on the tool's proxy"] as const;

function conditionOf(a: AttemptFact): (typeof CONDITIONS)[number] {
  return a.underToxic ? CONDITIONS[1] : CONDITIONS[0];
}

/** Tools in registry order (unknown tools last), so each keeps its row from run to run. */
function toolOrder(tools: Iterable<string>): string[] {
  const rank = (t: string) => {
    const i = (TOOL_NAMES as readonly string[]).indexOf(t);
    return i === -1 ? TOOL_NAMES.length : i;
  };
  return [...new Set(tools)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** Latencies below this are drawn at it: a log scale has no zero. */
const FLOOR_MS = 1;

/** Axis tick values on the 1-2-5 sequence, from the last at or below `minMs` to the first at or above `maxMs`. */
function logTicks(minMs: number, maxMs: number): number[] {
  const ticks: number[] = [];
  for (let decade = FLOOR_MS; ticks.length === 0 || ticks.at(-1)! < maxMs; decade *= 10) {
    for (const m of [1, 2, 5]) ticks.push(decade * m);
  }
  const first = ticks.findLastIndex((t) => t <= minMs);
  const last = ticks.findIndex((t) => t >= maxMs);
  return ticks.slice(Math.max(0, first), last + 1);
}

/** The tool-latency chart. */
export const toolLatencyChart: ChartDefinition = {
  name: 'tool-latency',
  title: "Tool latency of answered attempts: clean vs under a toxic on the tool's proxy",
  description:
    "Latency of each answered attempt through the proxy, per tool: a solid box when no toxic was on that tool's own proxy, " +
    'a pale box when one was active there at some moment of the attempt (toxics on other proxies do not count; direct fallbacks bypass the proxy and are left out). ' +
    "Failed attempts are not here: their time is the failure's (a timeout, a reset), shown by cause in the errors chart. " +
    `Boxes span the middle half with the median marked, whiskers reach 1.5 × IQR; faint dots are the attempts; times under ${FLOOR_MS} ms are drawn at ${FLOOR_MS} ms.`,
  build(analysis: RunAnalysis) {
    const viaProxy = analysis.attempts.filter((a) => a.via === 'proxy' && a.outcome === 'ok');
    const failed = analysis.attempts.filter((a) => a.via === 'proxy' && a.outcome !== 'ok').length;
    const subtitle = [
      "answered attempts through the proxy; colour: service; solid: clean, pale: a toxic was active on the tool's own proxy",
      `${plural(failed, 'attempt')} through the proxy that got no answer left out (see the errors chart)`,
    ];
    if (viaProxy.length === 0) {
      return chartSpec(
        this.title,
        subtitle,
        noDataPanel({
          xTitle: LATENCY_TITLE,
          yTitle: TOOL_TITLE,
          message: 'no tool call was answered through a proxy in this run',
        }),
      );
    }
    const rows = viaProxy.map((a) => ({
      tool: a.tool,
      service: a.service,
      condition: conditionOf(a),
      latencyMs: Math.max(FLOOR_MS, a.durationMs),
      tookMs: a.durationMs,
      toxic: a.toxicType ?? 'none',
      prompt: a.promptIndex,
    }));
    const groups = new Map<string, { tool: string; condition: string; n: number }>();
    for (const r of rows) {
      const key = JSON.stringify([r.tool, r.condition]);
      const group = groups.get(key) ?? { tool: r.tool, condition: r.condition, n: 0 };
      group.n++;
      groups.set(key, group);
    }
    const encoding = {
      y: { field: 'tool', type: 'nominal', title: TOOL_TITLE, sort: toolOrder(rows.map((r) => r.tool)) },
      yOffset: { field: 'condition', type: 'nominal', sort: CONDITIONS, scale: { domain: CONDITIONS } },
    };
    const ticks = logTicks(
      rows.reduce((min, r) => Math.min(min, r.latencyMs), Infinity),
      rows.reduce((max, r) => Math.max(max, r.latencyMs), FLOOR_MS),
    );
    const x = {
      field: 'latencyMs',
      type: 'quantitative',
      title: LATENCY_TITLE,
      scale: { type: 'log', domain: [ticks[0], ticks.at(-1)] },
      axis: { values: ticks, format: '~s' },
    };
    const colour = {
      field: 'service',
      type: 'nominal',
      title: 'service',
      scale: serviceScale(rows.map((r) => r.service)),
      legend: { orient: 'bottom', direction: 'horizontal', symbolOpacity: 1 },
    };
    // One box plot layer per condition present: vega-lite box plots take no opacity channel.
    const boxes = CONDITIONS.filter((c) => rows.some((r) => r.condition === c)).map((condition) => ({
      data: { values: rows.filter((r) => r.condition === condition) },
      mark: {
        type: 'boxplot',
        extent: 1.5,
        size: 11,
        box: { opacity: condition === 'clean' ? 1 : 0.4 },
        median: { color: 'black' },
        outliers: false,
      },
      encoding: { ...encoding, x, color: colour },
    }));
    const labels = {
      data: { values: [...groups.values()].map((g) => ({ ...g, label: `${g.condition}, n=${g.n}` })) },
      mark: { type: 'text', align: 'left', dx: 6, fontSize: 10, color: '#555' },
      encoding: { ...encoding, x: { value: PANEL.width }, text: { field: 'label' } },
    };
    // Every attempt as a faint dot under the boxes: a group of one, or of equal times, still shows.
    const dots = {
      data: { values: rows },
      mark: { type: 'point', filled: true, size: 16, opacity: 0.35 },
      encoding: {
        ...encoding,
        x,
        color: colour,
        tooltip: [
          { field: 'tool', title: 'tool' },
          { field: 'tookMs', title: 'latency (ms)' },
          { field: 'toxic', title: 'toxic on its proxy' },
          { field: 'prompt', title: 'prompt' },
        ],
      },
    };
    return chartSpec(this.title, subtitle, {
      width: PANEL.width,
      height: { step: 16, for: 'offset' },
      layer: [dots, ...boxes, labels],
    });
  },
};
