/**
 * Error distribution by type: failed prompts by their error type, and failed tool call attempts by
 * outcome (HTTP errors with their status), stacked by service.
 */
import type { AttemptFact, RunAnalysis } from '../analysis.js';
import type { ChartDefinition } from '../chart.js';
import { serviceScale, STATUS_COLOURS } from '../palette.js';
import type { PromptRow } from '../run-data.js';
import { chartSpec, COUNT_AXIS, noDataPanel, plural, type ViewSpec } from '../spec-kit.js';

const PANEL_WIDTH = 300;
/** Height of one bar's row, px: a chart with one error type is not one huge bar. */
const ROW_HEIGHT = 30;
const PROMPT_X_TITLE = 'failed prompts';
const PROMPT_Y_TITLE = 'error type';
const ATTEMPT_X_TITLE = 'failed attempts';
const ATTEMPT_Y_TITLE = 'outcome';

/** An attempt's outcome, with the HTTP status of an HTTP error. */
function outcomeLabel(a: AttemptFact): string {
  return a.outcome === 'http_error' && a.httpStatus !== null ? `http_error ${a.httpStatus}` : a.outcome;
}

function promptErrorsPanel(finished: number, failed: readonly PromptRow[], height: number): ViewSpec {
  if (failed.length === 0) {
    const message = finished === 0 ? 'no prompt finished' : 'no prompt failed';
    return noDataPanel({ width: PANEL_WIDTH, height, xTitle: PROMPT_X_TITLE, yTitle: PROMPT_Y_TITLE, message });
  }
  return {
    width: PANEL_WIDTH,
    height,
    title: 'Prompts',
    data: { values: failed.map((p) => ({ errorType: p.errorType ?? 'unrecorded' })) },
    mark: { type: 'bar', color: STATUS_COLOURS.failed },
    encoding: {
      y: { field: 'errorType', type: 'nominal', title: PROMPT_Y_TITLE, sort: '-x' },
      x: { aggregate: 'count', type: 'quantitative', title: PROMPT_X_TITLE, axis: COUNT_AXIS },
    },
  };
}

function attemptErrorsPanel(attempts: number, failed: readonly AttemptFact[], height: number): ViewSpec {
  if (failed.length === 0) {
    const message = attempts === 0 ? 'no tool calls in this run' : 'no tool call attempt failed';
    return noDataPanel({ width: PANEL_WIDTH, height, xTitle: ATTEMPT_X_TITLE, yTitle: ATTEMPT_Y_TITLE, message });
  }
  const values = failed.map((a) => ({ outcome: outcomeLabel(a), service: a.service }));
  return {
    width: PANEL_WIDTH,
    height,
    title: 'Tool call attempts',
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'outcome', type: 'nominal', title: ATTEMPT_Y_TITLE, sort: '-x' },
      x: { aggregate: 'count', type: 'quantitative', title: ATTEMPT_X_TITLE, axis: COUNT_AXIS },
      color: { field: 'service', type: 'nominal', title: 'service', scale: serviceScale(values.map((v) => v.service)) },
    },
  };
}

/** The error-distribution chart. */
export const errorsChart: ChartDefinition = {
  name: 'errors',
  title: 'Errors by type',
  description:
    'Left: prompts that failed, by error type (network, server, tool_limit, model, agent…). ' +
    'Right: tool call attempts that got no answer, by outcome (HTTP errors with their status), stacked by service; retries and fallbacks each count.',
  build(analysis: RunAnalysis) {
    const failedPrompts = analysis.prompts.filter((p) => p.status === 'failed');
    const failedAttempts = analysis.attempts.filter((a) => a.outcome !== 'ok');
    // Both panels as tall as the one with more bars, so they line up.
    const rows = Math.max(2, new Set(failedPrompts.map((p) => p.errorType)).size, new Set(failedAttempts.map(outcomeLabel)).size);
    const height = rows * ROW_HEIGHT;
    const subtitle = `${plural(failedPrompts.length, 'failed prompt')}, ${plural(failedAttempts.length, 'failed tool call attempt')}`;
    return chartSpec(this.title, subtitle, {
      hconcat: [
        promptErrorsPanel(analysis.prompts.length, failedPrompts, height),
        attemptErrorsPanel(analysis.attempts.length, failedAttempts, height),
      ],
    });
  },
};
