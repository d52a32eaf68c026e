import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { isLabError, openDatabase, writeTransaction, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { analyzeRun } from '../src/read-model/analysis.js';
import { CHARTS, renderCharts, type ChartsResult, type RunSummary } from '../src/index.js';
import { renderChart, svgToPng } from '../src/charts/render.js';
import { loadRunData } from '../src/read-model/run-data.js';
import { errorsChart } from '../src/charts/specs/errors.js';
import { summarizeRun } from '../src/read-model/summary.js';
import { type SyntheticRun, writeThreeRuns } from '../src/testing.js';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

/** The axis titles each chart must carry (the "no data" form keeps them too). */
const AXIS_TITLES: Record<string, string[]> = {
  throughput: ['time since run start (s)', 'calls/s', 'prompts completed (per'],
  'success-rate': ['time since run start (s)', 'success rate (%)'],
  'tool-latency': ['answered attempt latency (ms, log scale)', 'tool'],
  'toxic-timeline': ['time since run start (s)', 'proxy'],
  errors: ['prompts not ended well', 'root cause', 'failed attempts', 'cause'],
  attempts: ['attempts through the proxy (1 = no retry)', 'tool calls'],
  'response-time': ['prompt (index in the prompts file)', 'response time ('],
};

const tmp = makeTempDir('chaos-lab-charts-');
const dbPath = join(tmp.path, 'lab.db');
let db: Database;
let latest: SyntheticRun;
let older: SyntheticRun;

/** Parses an SVG with resvg's strict XML parser (roxmltree); throws on anything that is not well-formed SVG. */
function parseSvg(svg: string): { width: number; height: number } {
  const parsed = new Resvg(svg);
  return { width: parsed.width, height: parsed.height };
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function count(sql: string, ...params: unknown[]): number {
  return (db.prepare(sql).get(...params) as { n: number }).n;
}

before(() => {
  ({ older, latest } = writeThreeRuns(dbPath, T0));
  db = openDatabase(dbPath, { readonly: true });
});

after(() => {
  db.close();
  tmp.cleanup();
});

describe('charts of the latest run', () => {
  let result: ChartsResult;
  const outDir = join(tmp.path, 'charts-latest');

  before(async () => {
    result = await renderCharts({ db, outDir });
  });

  it('chooses the latest run by default', () => {
    assert.equal(result.runId, latest.runId);
    assert.equal(result.summary.runId, latest.runId);
  });

  it('writes an SVG and a PNG per chart, plus index.html and summary.json, at absolute paths', () => {
    const expected = [
      ...CHARTS.flatMap((c) => [join(outDir, `${c.name}.svg`), join(outDir, `${c.name}.png`)]),
      join(outDir, 'summary.json'),
      join(outDir, 'index.html'),
    ];
    assert.deepEqual([...result.files].sort(), expected.sort());
    for (const file of result.files) {
      assert.ok(isAbsolute(file), file);
      assert.ok(existsSync(file), file);
    }
    assert.equal(result.indexHtml, join(outDir, 'index.html'));
    assert.deepEqual(
      Object.keys(AXIS_TITLES).sort(),
      CHARTS.map((c) => c.name).sort(),
      'every chart has its axis titles listed here',
    );
  });

  it('writes well-formed SVGs with an <svg> root and the axis titles', () => {
    for (const chart of CHARTS) {
      const svg = readFileSync(join(outDir, `${chart.name}.svg`), 'utf8');
      assert.match(svg, /^<svg[\s>]/, `${chart.name}: root element`);
      const size = parseSvg(svg);
      assert.ok(size.width > 300 && size.height > 150, `${chart.name}: ${size.width}x${size.height}`);
      for (const title of AXIS_TITLES[chart.name]!)
        assert.ok(svg.includes(`>${title}`), `${chart.name}: axis title "${title}"`);
    }
  });

  it('writes PNGs twice the SVG size', () => {
    for (const chart of CHARTS) {
      const png = readFileSync(join(outDir, `${chart.name}.png`));
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, chart.name);
      const svgSize = parseSvg(readFileSync(join(outDir, `${chart.name}.svg`), 'utf8'));
      const { width, height } = pngSize(png);
      assert.ok(width >= 600 && width <= 4000 && height >= 300 && height <= 4000, `${chart.name}: ${width}x${height}`);
      assert.ok(
        Math.abs(width - 2 * svgSize.width) <= 2 && Math.abs(height - 2 * svgSize.height) <= 2,
        `${chart.name}: ${width}x${height}`,
      );
    }
  });

  it('colours each service the same in every chart', () => {
    const colourOf = new Map<string, string>();
    for (const name of ['throughput', 'tool-latency', 'errors']) {
      const svg = readFileSync(join(outDir, `${name}.svg`), 'utf8');
      // Legend entries, as vega writes them: a symbol with its fill, then the label text.
      const entries =
        /role-legend-symbol"[^>]*><path [^>]*fill="(#[0-9a-f]{6})"[^>]*\/><\/g><g class="mark-text role-legend-label"[^>]*><text[^>]*>([a-z]+)<\/text>/g;
      for (const m of svg.matchAll(entries)) {
        const [, fill, label] = m;
        if (!['search', 'weather', 'movie', 'calendar', 'calculator', 'message', 'translator'].includes(label!))
          continue;
        const seen = colourOf.get(label!);
        if (seen) assert.equal(fill, seen, `${label} in ${name}`);
        else colourOf.set(label!, fill!);
      }
    }
    assert.ok(colourOf.size >= 4, `service legends found: ${[...colourOf.keys()].join(', ')}`);
    assert.equal(new Set(colourOf.values()).size, colourOf.size, 'services have distinct colours');
  });

  it('writes index.html that shows every chart, the summary and the settings', () => {
    const html = readFileSync(result.indexHtml, 'utf8');
    for (const chart of CHARTS) {
      assert.ok(html.includes(`src="${chart.name}.svg"`), `${chart.name}.svg shown`);
      assert.ok(html.includes(`href="${chart.name}.png"`), `${chart.name}.png linked`);
      assert.ok(html.includes(chart.title), chart.title);
    }
    assert.ok(!/(src|href)="(https?:|\/)/.test(html), 'only relative references');
    assert.ok(html.includes(latest.runId));
    assert.ok(html.includes('seed: 37'));
    assert.match(html, /model: offline \(the lab&#39;s deterministic offline model, no LLM\)/);
    assert.ok(html.includes('<th>TOXIC_PROB</th><td>0.2</td>'), 'settings table');
    assert.ok(html.includes('<th>TOXICS</th><td>timeout, latency</td>'), 'list settings');
    assert.match(html, /<style>/);
  });

  it('writes a per-prompt table with calls, arguments, attempts and causes, sortable and filterable offline', () => {
    const html = readFileSync(result.indexHtml, 'utf8');
    const rows = html.match(/<tr data-tools="[^"]*" data-causes="[^"]*">/g) ?? [];
    assert.equal(rows.length, latest.prompts, 'one row per prompt');
    for (const id of ['filter-status', 'filter-tool', 'filter-cause'])
      assert.ok(html.includes(`<select id="${id}">`), id);
    for (const key of ['index', 'status', 'attempts', 'root'])
      assert.ok(html.includes(`data-sort="${key}"`), `sort by ${key}`);
    assert.ok(html.includes('{&quot;query&quot;:&quot;question 0.0&quot;}'), 'a call with its arguments');
    assert.match(
      html,
      /→ <span class="cause cause-toxic">toxic<\/span> <span class="fault">toxic #\d+ timeout (upstream|downstream) on [a-z]+_proxy/,
      'an attempt with its toxic',
    );
    assert.ok(html.includes('cause-simulated_error'), 'a simulated error');
    // list.js and vega are inlined: the page works from disk with no network.
    assert.ok(html.includes('new List(') && html.includes('typeof vega'), 'list.js and the live charts wired');
    assert.ok(!/<script[^>]+src=/.test(html), 'no external script');
    for (const chart of CHARTS)
      assert.ok(
        html.includes(`<script type="application/json" id="spec-${chart.name}">`),
        `live spec of ${chart.name}`,
      );
    assert.match(html, /<table class="blast">/);
  });

  it('writes summary.json with the figures of the database', () => {
    const summary = JSON.parse(readFileSync(result.summaryJson, 'utf8')) as RunSummary;
    const id = latest.runId;
    assert.equal(summary.prompts.total, latest.prompts);
    for (const status of ['correct', 'unchecked', 'wrong', 'unhandled', 'failed', 'interrupted'] as const) {
      assert.equal(
        summary.prompts.byStatus[status],
        count('SELECT COUNT(*) AS n FROM prompt_results WHERE run_id = ? AND status = ?', id, status),
        status,
      );
      assert.equal(summary.prompts.byStatus[status], latest.statuses[status] ?? 0, status);
    }
    const { byStatus } = summary.prompts;
    assert.equal(summary.prompts.checked, byStatus.correct + byStatus.wrong + byStatus.unhandled + byStatus.failed);
    assert.equal(
      summary.prompts.successRate,
      byStatus.correct / summary.prompts.checked,
      'correct / checked: unchecked never counts as success',
    );
    assert.equal(summary.prompts.unchecked, byStatus.unchecked);
    // Failed attempts by cause, from the attribution view, every cause listed (unknown included).
    assert.equal(
      summary.toolCalls.failedAttempts,
      count('SELECT COUNT(*) AS n FROM attempt_causes WHERE run_id = ?', id),
    );
    assert.deepEqual(Object.keys(summary.toolCalls.failedByCause), [
      'simulated_error',
      'service_down',
      'toxic',
      'cancelled',
      'client_timeout',
      'unknown',
    ]);
    for (const [cause, n] of Object.entries(summary.toolCalls.failedByCause)) {
      assert.equal(
        n,
        count('SELECT COUNT(*) AS n FROM attempt_causes WHERE run_id = ? AND cause = ?', id, cause),
        cause,
      );
    }
    assert.ok(
      summary.toolCalls.failedByCause.toxic! > 0 &&
        summary.toolCalls.failedByCause.simulated_error! > 0 &&
        summary.toolCalls.failedByCause.unknown! > 0,
      'causes',
    );
    // Every fault event with its blast radius.
    assert.equal(summary.faultEvents.length, count('SELECT COUNT(*) AS n FROM fault_events WHERE run_id = ?', id));
    for (const f of summary.faultEvents) {
      const row = db
        .prepare(
          'SELECT attempts_touched AS t, attempts_attributed AS a, prompt_indexes AS p FROM fault_blast_radius WHERE fault_event_id = ?',
        )
        .get(f.id) as { t: number; a: number; p: string };
      assert.deepEqual(
        [f.attemptsTouched, f.attemptsAttributed, f.promptsTouched],
        [row.t, row.a, JSON.parse(row.p)],
        `fault #${f.id}`,
      );
    }
    assert.ok(
      summary.faultEvents.some((f) => f.attemptsAttributed > 0),
      'a fault with failures attributed',
    );
    assert.ok(
      summary.faultEvents.some((f) => f.kind === 'service_down'),
      'a service down among the faults',
    );
    assert.equal(
      summary.durationS,
      count('SELECT finished_at - started_at AS n FROM runs WHERE run_id = ?', id) / 1000,
      "the run's own duration",
    );
    assert.equal(summary.toolCalls.calls, latest.toolCalls);
    assert.equal(summary.toolCalls.attempts, count('SELECT COUNT(*) AS n FROM tool_calls WHERE run_id = ?', id));
    assert.equal(
      summary.toolCalls.fallbacks,
      count("SELECT COUNT(*) AS n FROM tool_calls WHERE run_id = ? AND via = 'direct'", id),
    );
    assert.equal(
      summary.toolCalls.retries,
      count("SELECT COUNT(*) AS n FROM tool_calls WHERE run_id = ? AND via = 'proxy' AND attempt > 1", id),
    );
    assert.equal(summary.toxics.total, latest.toxics);
    assert.equal(summary.toxics.total, count('SELECT COUNT(*) AS n FROM toxic_events WHERE run_id = ?', id));
    // Latency counts answered attempts only: failed ones are shown apart by cause.
    assert.equal(
      summary.toolLatency.clean.attempts + summary.toolLatency.underToxic.attempts,
      count("SELECT COUNT(*) AS n FROM tool_calls WHERE run_id = ? AND via = 'proxy' AND outcome = 'ok'", id),
    );
    assert.ok(summary.toolLatency.all.p50Ms! <= summary.toolLatency.all.p95Ms!);
    assert.deepEqual(summary, result.summary);
    // The synthetic run holds what the charts are meant to show.
    // (Messages given: node's assert.ok builds one from the source otherwise, which can hang under tsx.)
    assert.ok(
      summary.toolCalls.retries > 0 && summary.toolCalls.fallbacks > 0 && summary.toolCalls.unanswered > 0,
      'retries, fallbacks, unanswered',
    );
    assert.ok(
      Object.keys(summary.toxics.byType).length >= 2 && summary.toolLatency.underToxic.attempts > 0,
      'two toxic types, answers under a toxic',
    );
    assert.ok(
      byStatus.failed > 0 &&
        byStatus.wrong > 0 &&
        byStatus.unchecked > 0 &&
        Object.keys(summary.prompts.byErrorType).length >= 2,
      'statuses',
    );
  });
});

describe('charts of a chosen run', () => {
  it('renders the run named by runId', async () => {
    const result = await renderCharts({ db, runId: older.runId, outDir: join(tmp.path, 'charts-old') });
    assert.equal(result.runId, older.runId);
    assert.equal(result.summary.seed, 9);
    assert.equal(result.summary.prompts.total, older.prompts);
    assert.ok(readFileSync(result.indexHtml, 'utf8').includes(older.runId));
  });

  it('refuses an unknown run id with a message naming it and the runs there are', async () => {
    await assert.rejects(
      renderCharts({ db, runId: 'no-such-run', outDir: join(tmp.path, 'charts-none') }),
      (err: Error) =>
        isLabError(err, 'NOT_FOUND') && /no run "no-such-run"/.test(err.message) && err.message.includes(latest.runId),
    );
    assert.ok(!existsSync(join(tmp.path, 'charts-none')), 'nothing written');
  });

  it('renders an empty run as "no data" charts, not an error', async () => {
    const outDir = join(tmp.path, 'charts-empty');
    const result = await renderCharts({ db, runId: 'run-empty', outDir });
    for (const chart of CHARTS) {
      const svg = readFileSync(join(outDir, `${chart.name}.svg`), 'utf8');
      parseSvg(svg);
      assert.match(svg, />no [a-z ]+</, `${chart.name} says there is no data`);
      for (const title of AXIS_TITLES[chart.name]!)
        assert.ok(svg.includes(`>${title}`), `${chart.name}: axis title "${title}"`);
      assert.deepEqual(readFileSync(join(outDir, `${chart.name}.png`)).subarray(0, 8), PNG_SIGNATURE);
    }
    assert.equal(result.summary.prompts.unfinished, 3);
    assert.equal(result.summary.toolLatency.all.p50Ms, null);
    assert.match(readFileSync(result.indexHtml, 'utf8'), /Toxics injected: 0/);
  });

  it('compiles every chart without a vega or vega-lite warning, with data and without', async () => {
    for (const runId of [latest.runId, 'run-empty']) {
      const analysis = analyzeRun(loadRunData(db, runId));
      for (const chart of CHARTS) {
        const { warnings } = await renderChart(chart.build(analysis));
        assert.deepEqual(warnings, [], `${runId} ${chart.name}`);
      }
    }
  });
});

describe('run analysis', () => {
  it('counts retries and fallbacks per call and marks attempts made while a toxic was on their proxy', () => {
    const path = join(tmp.path, 'small.db');
    const writer = openDatabase(path);
    writeTransaction(writer, () => {
      writer
        .prepare(
          "INSERT INTO runs (run_id, started_at, finished_at, status, seed, prompts_total) VALUES ('r', 0, 10000, 'completed', 1, 2)",
        )
        .run();
      const call = writer.prepare(
        `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome, started_at, duration_ms)
         VALUES ('r', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      // Prompt 0, call_0: two proxy timeouts inside a weather toxic (1000–3000 ms), then an answered fallback.
      call.run(0, 'call_0', 'get_weather', 'weather', 1, 'proxy', 'timeout', 1000, 1000);
      call.run(0, 'call_0', 'get_weather', 'weather', 2, 'proxy', 'timeout', 2000, 1000);
      call.run(0, 'call_0', 'get_weather', 'weather', 1, 'direct', 'ok', 3000, 20);
      // Prompt 1 reuses the id call_0: a different call, answered at once after the toxic ended.
      call.run(1, 'call_0', 'get_weather', 'weather', 1, 'proxy', 'ok', 3500, 30);
      // A search call during the weather toxic: another proxy, so clean.
      call.run(1, 'call_1', 'search_web', 'search', 1, 'proxy', 'ok', 1500, 40);
      writer
        .prepare(
          "INSERT INTO fault_events (run_id, kind, proxy, service, name, type, stream, toxicity, started_at, ended_at) VALUES ('r', 'toxic', 'weather_proxy', 'weather', 't', 'timeout', 'upstream', 1, 1000, 3000)",
        )
        .run();
    });
    const analysis = analyzeRun(loadRunData(writer, 'r'));
    writer.close();
    assert.deepEqual(
      analysis.calls.map((c) => [c.promptIndex, c.callId, c.proxyAttempts, c.fallback, c.result]),
      [
        [0, 'call_0', 2, true, 'answered by fallback'],
        [1, 'call_1', 1, false, 'answered through proxy'],
        [1, 'call_0', 1, false, 'answered through proxy'],
      ],
    );
    assert.deepEqual(
      analysis.attempts.map((a) => [a.tool, a.via, a.startS, a.underToxic]),
      [
        ['get_weather', 'proxy', 1, true],
        ['search_web', 'proxy', 1.5, false],
        ['get_weather', 'proxy', 2, true],
        ['get_weather', 'direct', 3, false],
        ['get_weather', 'proxy', 3.5, false],
      ],
    );
    assert.equal(analysis.durationS, 10);
  });
});

describe('failures by cause', () => {
  it('counts and draws a cause the chart does not know yet (a fault kind added later) instead of dropping it', () => {
    const writer = openDatabase(join(tmp.path, 'new-kind.db'));
    writeTransaction(writer, () => {
      writer
        .prepare(
          "INSERT INTO runs (run_id, started_at, finished_at, status, seed, prompts_total) VALUES ('r', 0, 5000, 'completed', 1, 1)",
        )
        .run();
      writer
        .prepare(
          "INSERT INTO fault_events (run_id, kind, service, name, type, started_at, ended_at) VALUES ('r', 'http_error', 'weather', 'e', 'http_error', 1000, 2000)",
        )
        .run();
      writer
        .prepare(
          `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, tool, service, attempt, via, outcome, http_status, started_at, duration_ms)
           VALUES ('r', 0, 1, 'c', 'get_weather', 'weather', 1, 'proxy', 'http_error', 500, 1500, 5)`,
        )
        .run();
    });
    const analysis = analyzeRun(loadRunData(writer, 'r'));
    writer.close();
    assert.equal(summarizeRun(analysis).toolCalls.failedByCause.http_error, 1);
    const panel = (
      errorsChart.build(analysis) as unknown as { hconcat: { encoding: { y: { scale: { domain: string[] } } } }[] }
    ).hconcat[1]!;
    assert.deepEqual(panel.encoding.y.scale.domain, [
      'simulated_error',
      'service_down',
      'toxic',
      'cancelled',
      'client_timeout',
      'unknown',
      'http_error',
    ]);
  });
});

describe('PNG text', () => {
  it('draws text with the shipped fonts', () => {
    const frame = (text: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="10" y="28" font-family="DejaVu Sans" font-size="20">${text}</text></svg>`;
    assert.notDeepEqual(svgToPng(frame('latency (ms)')), svgToPng(frame('')));
  });
});
