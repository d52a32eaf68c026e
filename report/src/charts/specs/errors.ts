/**
 * Failures by cause: prompts that did not end well by their root cause (prompt_causes), and failed
 * tool call attempts by their cause (attempt_causes), stacked by service. Unknown causes are counted
 * and shown like any other: a cause the record cannot name is a finding too.
 */
import type { AttemptFact, RunAnalysis } from '../../read-model/analysis.js';
import type { ChartDefinition } from '../chart.js';
import { causeScale, serviceScale, STATUS_COLOURS } from '../palette.js';
import type { PromptCauseRow } from '../../read-model/run-rows.js';
import { chartSpec, COUNT_AXIS, noDataPanel, plural, type ViewSpec } from '../spec-kit.js';

const PANEL_WIDTH = 300;
/** Height of one bar's row, px: a chart with one cause is not one huge bar. */
const ROW_HEIGHT = 30;
const PROMPT_X_TITLE = 'prompts not ended well';
const PROMPT_Y_TITLE = 'root cause';
const ATTEMPT_X_TITLE = 'failed attempts';
const ATTEMPT_Y_TITLE = 'cause';

function promptCausesPanel(
  finished: number,
  causes: readonly PromptCauseRow[],
  statusOf: Map<number, string>,
  height: number,
): ViewSpec {
  if (causes.length === 0) {
    const message = finished === 0 ? 'no prompt finished' : 'no prompt failed';
    return noDataPanel({ width: PANEL_WIDTH, height, xTitle: PROMPT_X_TITLE, yTitle: PROMPT_Y_TITLE, message });
  }
  const values = causes.map((c) => ({
    rootCause: c.rootCause ?? 'none',
    status: statusOf.get(c.promptIndex) ?? 'failed',
    prompt: c.promptIndex,
  }));
  const statuses = [...new Set(values.map((v) => v.status))];
  return {
    width: PANEL_WIDTH,
    height,
    title: 'Prompts (failed, wrong, unhandled, interrupted)',
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'rootCause', type: 'nominal', title: PROMPT_Y_TITLE, sort: '-x' },
      x: { aggregate: 'count', type: 'quantitative', title: PROMPT_X_TITLE, axis: COUNT_AXIS },
      color: {
        field: 'status',
        type: 'nominal',
        title: 'prompt status',
        scale: {
          domain: statuses,
          range: statuses.map((s) => STATUS_COLOURS[s as keyof typeof STATUS_COLOURS] ?? '#999'),
        },
      },
      tooltip: [
        { field: 'rootCause', title: 'root cause' },
        { field: 'status', title: 'status' },
        { aggregate: 'count', type: 'quantitative', title: 'prompts' },
      ],
    },
  };
}

function attemptCausesPanel(attempts: number, failed: readonly AttemptFact[], height: number): ViewSpec {
  if (failed.length === 0) {
    const message = attempts === 0 ? 'no tool calls in this run' : 'no tool call attempt failed';
    return noDataPanel({ width: PANEL_WIDTH, height, xTitle: ATTEMPT_X_TITLE, yTitle: ATTEMPT_Y_TITLE, message });
  }
  const values = failed.map((a) => ({ cause: a.cause!, service: a.service }));
  const causes = causeScale(values.map((v) => v.cause)).domain;
  return {
    width: PANEL_WIDTH,
    height,
    title: 'Tool call attempts',
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'cause', type: 'nominal', title: ATTEMPT_Y_TITLE, sort: causes, scale: { domain: causes } },
      x: { aggregate: 'count', type: 'quantitative', title: ATTEMPT_X_TITLE, axis: COUNT_AXIS },
      color: { field: 'service', type: 'nominal', title: 'service', scale: serviceScale(values.map((v) => v.service)) },
      tooltip: [
        { field: 'cause', title: 'cause' },
        { field: 'service', title: 'service' },
        { aggregate: 'count', type: 'quantitative', title: 'failed attempts' },
      ],
    },
  };
}

/** The failures-by-cause chart. */
export const errorsChart: ChartDefinition = {
  name: 'errors',
  title: 'Failures by cause',
  description:
    'Left: prompts that failed, were wrong, unhandled or interrupted, by root cause (the cause of the first failed attempt of the first tool call left ' +
    "without an answer, else the prompt's error type; none when no fault explains it). " +
    'Right: every failed tool call attempt by cause (simulated_error, service_down, toxic, cancelled, client_timeout, unknown), stacked by service; ' +
    'HTTP 4xx answers are not failures. Retries and fallbacks each count.',
  build(analysis: RunAnalysis) {
    const causes = analysis.data.promptCauses;
    const failedAttempts = analysis.attempts.filter((a) => a.cause !== null);
    const statusOf = new Map(analysis.prompts.map((p) => [p.promptIndex, p.status as string]));
    // Both panels as tall as the one with more bars, so they line up.
    const rows = Math.max(
      2,
      new Set(causes.map((c) => c.rootCause)).size,
      failedAttempts.length > 0 ? causeScale(failedAttempts.map((a) => a.cause!)).domain.length : 0,
    );
    const height = rows * ROW_HEIGHT;
    const subtitle = `${plural(causes.length, 'prompt')} not ended well, ${plural(failedAttempts.length, 'failed tool call attempt')}`;
    return chartSpec(this.title, subtitle, {
      hconcat: [
        promptCausesPanel(analysis.prompts.length, causes, statusOf, height),
        attemptCausesPanel(analysis.attempts.length, failedAttempts, height),
      ],
      resolve: { scale: { color: 'independent' } },
    });
  },
};
