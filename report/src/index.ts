/**
 * @chaos-lab/report: the run's read model and its report. A run is read from the lab database
 * (`read-model/`), drawn as charts (`charts/`) and written as one HTML page with its summary
 * (`html/`, `render-charts.ts`); the dashboard's views of a run are built from the same read model,
 * so the live page, the history and the report tell the same story from the same queries.
 */
export { renderCharts, type RenderChartsOptions, type ChartsResult } from './render-charts.js';
export { CHARTS } from './charts/specs/index.js';
export type { ChartDefinition } from './charts/chart.js';
export type { RunSummary, LatencySummary, FaultBlastRadius } from './read-model/summary.js';
export { runView, promptDetail } from './read-model/dashboard-views.js';
export type {
  RunView,
  PromptLine,
  PromptDetail,
  CallDetail,
  AttemptDetail,
  AttemptCount,
  FaultBar,
} from './read-model/views.js';
export { loadRunData } from './read-model/run-data.js';
export type { RunData } from './read-model/run-rows.js';
export { analyzeRun, type RunAnalysis } from './read-model/analysis.js';
export { summarizeRun } from './read-model/summary.js';
