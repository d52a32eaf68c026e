/**
 * Response time per prompt: each prompt's time from its first attempt's start to its result,
 * in prompts-file order, coloured by its status.
 */
import type { RunAnalysis } from '../../read-model/analysis.js';
import type { ChartDefinition } from '../chart.js';
import { PROMPT_STATUS_SCALE } from '../palette.js';
import { chartSpec, noDataPanel, PANEL, plural } from '../spec-kit.js';
import { percentile } from '../../read-model/stats.js';

const X_TITLE = 'prompt (index in the prompts file)';

/** Runs whose slowest prompt is under this are drawn in ms, others in s. */
const SECONDS_FROM_MS = 2000;

/** The response-time chart. */
export const responseTimeChart: ChartDefinition = {
  name: 'response-time',
  title: 'Response time per prompt',
  description:
    "Each prompt's time from its start to its result (all its attempts), in prompts-file order; the dashed line is the median. " +
    'Colour: the prompt status (correct, unchecked, wrong, unhandled, failed, interrupted).',
  build(analysis: RunAnalysis) {
    const { prompts } = analysis;
    if (prompts.length === 0) {
      return chartSpec(
        this.title,
        'no prompt finished in this run',
        noDataPanel({ xTitle: X_TITLE, yTitle: 'response time (s)', message: 'no prompt finished in this run' }),
      );
    }
    const inSeconds = prompts.some((p) => p.durationMs >= SECONDS_FROM_MS);
    const unit = inSeconds ? 's' : 'ms';
    const toUnit = (ms: number) => (inSeconds ? ms / 1000 : ms);
    const values = prompts.map((p) => ({
      promptIndex: p.promptIndex,
      id: p.promptId ?? '',
      prompt: p.prompt,
      status: p.status,
      time: toUnit(p.durationMs),
      attempts: p.attempts,
    }));
    const median = toUnit(
      percentile(
        prompts.map((p) => p.durationMs),
        50,
      )!,
    );
    const y = { field: 'time', type: 'quantitative', title: `response time (${unit})` };
    const x = { field: 'promptIndex', type: 'quantitative', title: X_TITLE, axis: { tickMinStep: 1, format: 'd' } };
    return chartSpec(
      this.title,
      `${plural(prompts.length, 'prompt')}; median ${Number(median.toPrecision(3))} ${unit}`,
      {
        width: PANEL.width,
        height: PANEL.height,
        layer: [
          {
            data: { values },
            mark: { type: 'rule', color: '#bbb' },
            encoding: { x, y, y2: { datum: 0 } },
          },
          {
            data: { values },
            mark: { type: 'point', filled: true, size: 50, opacity: 1 },
            encoding: {
              x,
              y,
              color: { field: 'status', type: 'nominal', title: 'prompt status', scale: PROMPT_STATUS_SCALE },
              tooltip: [
                { field: 'promptIndex', title: 'prompt' },
                { field: 'id', title: 'id' },
                { field: 'prompt', title: 'text' },
                { field: 'status', title: 'status' },
                { field: 'time', title: `response time (${unit})`, format: '.3~f' },
                { field: 'attempts', title: 'attempts' },
              ],
            },
          },
          {
            data: { values: [{ median }] },
            mark: { type: 'rule', strokeDash: [4, 3], color: '#555' },
            encoding: { y: { field: 'median', type: 'quantitative' } },
          },
        ],
      },
    );
  },
};
