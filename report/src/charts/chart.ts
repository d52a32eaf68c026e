/**
 * What one chart of the report is: a file name, the words the report shows with it, and the
 * function that builds its vega-lite spec from a run.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RunAnalysis } from '../read-model/analysis.js';

/** One chart of the report: its file name, its words, and how its vega-lite spec is built. */
export interface ChartDefinition {
  /** File stem, e.g. `tool-latency` (→ `tool-latency.svg`, `tool-latency.png`). */
  readonly name: string;
  /** Heading in the report. */
  readonly title: string;
  /** What the chart shows and how to read it, one or two sentences for the report. */
  readonly description: string;
  /** Builds the spec; a run with nothing to show gives "no data" panels, never an error. */
  build(analysis: RunAnalysis): TopLevelSpec;
}
