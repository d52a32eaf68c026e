/**
 * Attempts per tool call: how many attempts through the proxy each logical tool call needed, and
 * how it ended (answered through the proxy, answered by the direct fallback, or not answered).
 */
import { CALL_RESULTS, type RunAnalysis } from '../../read-model/analysis.js';
import type { ChartDefinition } from '../chart.js';
import { STATUS_COLOURS } from '../palette.js';
import { chartSpec, COUNT_AXIS, noDataPanel, PANEL, plural } from '../spec-kit.js';

const X_TITLE = 'attempts through the proxy (1 = no retry)';
const Y_TITLE = 'tool calls';

/**
 * Result colours: greens for answered, reds for not; the pale one of each pair used the fallback; the
 * grey-green and grey-red pair were seen at the service (an agent over HTTP).
 */
const RESULT_COLOURS = [STATUS_COLOURS.correct, '#a6d96a', '#f4a582', STATUS_COLOURS.failed, '#8fb996', '#c98b8b'];

/** The attempts chart. */
export const attemptsChart: ChartDefinition = {
  name: 'attempts',
  title: 'Attempts per tool call',
  description:
    'How many attempts through the proxy each tool call took before it got an answer or its retries ran out (TOOL_LIMIT), ' +
    'and how it ended: answered through the proxy, answered by the direct fallback, or not answered.',
  build(analysis: RunAnalysis) {
    const { calls } = analysis;
    if (calls.length === 0) {
      return chartSpec(
        this.title,
        'no tool call in this run',
        noDataPanel({ xTitle: X_TITLE, yTitle: Y_TITLE, message: 'no tool calls in this run' }),
      );
    }
    const retried = calls.filter((c) => c.proxyAttempts > 1).length;
    const fallbacks = calls.filter((c) => c.fallback).length;
    const maxAttempts = calls.reduce((max, c) => Math.max(max, c.proxyAttempts), 1);
    const minAttempts = calls.reduce((min, c) => Math.min(min, c.proxyAttempts), 1);
    return chartSpec(
      this.title,
      `${plural(calls.length, 'tool call')}; ${retried} retried, ${fallbacks} fell back to a direct call`,
      {
        width: PANEL.width,
        height: PANEL.height,
        data: { values: calls.map((c) => ({ proxyAttempts: c.proxyAttempts, result: c.result })) },
        mark: { type: 'bar' },
        encoding: {
          // Every attempt count up to the longest, so a gap shows as an empty slot.
          x: {
            field: 'proxyAttempts',
            type: 'ordinal',
            title: X_TITLE,
            scale: { domain: Array.from({ length: maxAttempts - minAttempts + 1 }, (_, i) => minAttempts + i) },
            axis: { labelAngle: 0 },
          },
          y: { aggregate: 'count', type: 'quantitative', title: Y_TITLE, axis: COUNT_AXIS },
          color: {
            field: 'result',
            type: 'nominal',
            title: 'result',
            scale: { domain: CALL_RESULTS, range: RESULT_COLOURS },
          },
          order: { field: 'resultRank' },
          tooltip: [
            { field: 'result', title: 'result' },
            { field: 'proxyAttempts', title: 'attempts through the proxy' },
            { aggregate: 'count', type: 'quantitative', title: 'tool calls' },
          ],
        },
        transform: [{ calculate: `indexof(${JSON.stringify(CALL_RESULTS)}, datum.result)`, as: 'resultRank' }],
      },
    );
  },
};
