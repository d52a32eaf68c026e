/**
 * Charts and report of a run: reads the run from the lab database and writes into one folder
 *
 *   <chart>.svg, <chart>.png   one pair per chart of charts/specs/index.ts (vega-lite → vega → SVG → resvg PNG)
 *   index.html                 the report: summary tables, per-prompt table, blast radius, knowledge, every chart, settings
 *   summary.json               the summary figures, for scripts
 *
 *   lab.db ─loadRunData─▶ RunData ─analyzeRun─▶ RunAnalysis ─┬─ chart.build ─renderChart─▶ svg, png
 *                                                            ├─ summarizeRun ─▶ index.html, summary.json
 *                                                            └─ promptStories ─▶ index.html (per-prompt table)
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LabError, type Database, type Logger } from '@chaos-lab/common';
import { analyzeRun } from './read-model/analysis.js';
import { knowledgeSectionHtml } from './html/knowledge-section.js';
import { promptStories } from './read-model/prompt-stories.js';
import { reportHtml, type ReportChart } from './html/report-html.js';
import { loadRunData } from './read-model/run-data.js';
import { CHARTS } from './charts/specs/index.js';
import { summarizeRun, type RunSummary } from './read-model/summary.js';

/** What {@link renderCharts} needs. */
export interface RenderChartsOptions {
  /** An open lab database; read only (opening it read-only is enough). */
  readonly db: Database;
  /** The run to chart; default the latest started run. */
  readonly runId?: string;
  /** The folder to write into (created when missing), e.g. `settings.CHARTS_DIR`. */
  readonly outDir: string;
  /** Gets one line when done, and vega's warnings if any. */
  readonly logger?: Logger;
}

/** What {@link renderCharts} wrote. */
export interface ChartsResult {
  /** The run charted. */
  readonly runId: string;
  /** Absolute paths of every file written: each chart's SVG and PNG, index.html, summary.json. */
  readonly files: string[];
  /** Absolute path of the report page. */
  readonly indexHtml: string;
  /** Absolute path of summary.json. */
  readonly summaryJson: string;
  /** The figures written to summary.json and shown in the report. */
  readonly summary: RunSummary;
  /** Wall-clock time of the whole rendering, ms. */
  readonly renderMs: number;
}

/** Writes through a temporary file and a rename, so a reader never sees a half-written chart. */
function writeAtomic(path: string, data: string | Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data);
  renameSync(temporary, path);
}

/**
 * Renders every chart of a run, the report page and the summary.
 * @param options see {@link RenderChartsOptions}
 * @returns the run charted and the files written (see {@link ChartsResult})
 * @throws {LabError} `NOT_FOUND` when the database holds no run, or no run with `runId`;
 *   `INTERNAL` naming the chart when one cannot be rendered (a bug, never the run's data)
 */
export async function renderCharts(options: RenderChartsOptions): Promise<ChartsResult> {
  const started = performance.now();
  const data = loadRunData(options.db, options.runId);
  const analysis = analyzeRun(data);
  const summary = summarizeRun(analysis);
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const logger = options.logger?.child({ run_id: data.run.runId });

  // Loaded only now: vega, vega-lite and resvg cost about half a second to load, and the dashboard
  // and the launcher import this package without ever drawing a chart.
  const { renderChart } = await import('./charts/render.js');
  const files: string[] = [];
  const shown: ReportChart[] = [];
  for (const chart of CHARTS) {
    let rendered: Awaited<ReturnType<typeof renderChart>>;
    try {
      rendered = await renderChart(chart.build(analysis));
    } catch (err) {
      throw new LabError('INTERNAL', `cannot render chart "${chart.name}": ${(err as Error).message}`, { cause: err });
    }
    if (rendered.warnings.length > 0)
      logger?.warn({ chart: chart.name, warnings: rendered.warnings }, 'chart rendered with warnings');
    const svgFile = `${chart.name}.svg`;
    const pngFile = `${chart.name}.png`;
    writeAtomic(join(outDir, svgFile), rendered.svg);
    writeAtomic(join(outDir, pngFile), rendered.png);
    files.push(join(outDir, svgFile), join(outDir, pngFile));
    shown.push({
      name: chart.name,
      title: chart.title,
      description: chart.description,
      svgFile,
      pngFile,
      vegaSpec: rendered.vegaSpec,
    });
  }

  const summaryJson = join(outDir, 'summary.json');
  writeAtomic(summaryJson, `${JSON.stringify(summary, null, 2)}\n`);
  const indexHtml = join(outDir, 'index.html');
  writeAtomic(indexHtml, reportHtml(summary, shown, promptStories(analysis), knowledgeSectionHtml(options.db)));
  files.push(summaryJson, indexHtml);

  const renderMs = Math.round(performance.now() - started);
  logger?.info({ charts: CHARTS.length, out_dir: outDir, render_ms: renderMs }, 'charts and report rendered');
  return { runId: data.run.runId, files, indexHtml, summaryJson, summary, renderMs };
}
