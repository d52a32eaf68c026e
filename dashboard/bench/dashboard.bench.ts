// The dashboard's two figures during a real offline run (`chaos-lab up`, 30 prompts, ports of its own):
// - page load: navigation to the live run shown (progress line rendered from the first live-feed
//   event), in headless Chromium, 5 loads;
// - update latency: a prompt_results row written (its finished_at) → its row shown on the page
//   (a MutationObserver's clock; same machine, same clock).
// SCREENSHOT=docs/dashboard.png also saves the live page with a prompt opened, for the README.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { makeTempDir } from '@chaos-lab/common/testing';
import { PROJECT_ROOT } from '@chaos-lab/common';
import {
  launchChromium,
  promptRowsSeen,
  query,
  startLab,
  waitFor,
  watchPromptRows,
  writePrompts,
} from '../test/support/browser.js';

const LOADS = 5;
const tmp = makeTempDir('chaos-lab-dashboard-bench-');
const lab = await startLab(tmp.path, ['--prompts', writePrompts(tmp.path, 30), '--seed', '5'], {
  TOXIC_PROB: '0.3',
  ERROR_PROB: '0.1',
  TOXICS: 'latency,timeout',
  OFFLINE_MODEL_LATENCY_MS: '200',
  CHAOS_INTERVAL_MS: '200',
  TOXIC_DURATION_MS: '500-1500',
  PROXY_TIMEOUT_MS: '800',
  TOOL_LIMIT: '2',
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
let browser: Browser | undefined;
try {
  browser = await launchChromium();
  const url = (await lab.waitForOutput(/dashboard: (http:\S+)/, 60_000))[1]!;
  await lab.waitForOutput(/running the agent/, 90_000);
  const runId = await waitFor(
    'the run row',
    () => query<{ run_id: string }>(lab.dbPath, 'SELECT run_id FROM runs')[0]?.run_id,
    30_000,
  );
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });

  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    const started = Date.now();
    await page.goto(url);
    await page.getByTestId('progress').waitFor({ timeout: 30_000 });
    loads.push(Date.now() - started);
  }

  await watchPromptRows(page);
  const from = query<{ n: number }>(lab.dbPath, 'SELECT COUNT(*) AS n FROM prompt_results')[0]!.n;
  await waitFor(
    'ten more prompts',
    () => query<{ n: number }>(lab.dbPath, 'SELECT COUNT(*) AS n FROM prompt_results')[0]!.n >= from + 10,
    120_000,
  );
  await waitFor(
    'the last of them shown',
    async () => Object.keys(await promptRowsSeen(page)).length >= from + 10,
    10_000,
  );
  const seen = await promptRowsSeen(page);
  const rows = query<{ prompt_index: number; finished_at: number }>(
    lab.dbPath,
    'SELECT prompt_index, finished_at FROM prompt_results WHERE run_id = ? AND prompt_index >= ?',
    runId,
    from + 1,
  );
  const latencies = rows
    .filter((r) => seen[`prompt-${r.prompt_index}`] !== undefined)
    .map((r) => seen[`prompt-${r.prompt_index}`]! - r.finished_at);

  process.stdout.write(
    `page load (navigation → live run shown), ${LOADS} loads: median ${median(loads)} ms, min ${Math.min(...loads)} ms, max ${Math.max(...loads)} ms\n`,
  );
  process.stdout.write(
    `update latency (prompt row written → shown), ${latencies.length} rows: median ${median(latencies)} ms, max ${Math.max(...latencies)} ms (live feed polls every 200 ms)\n`,
  );

  if (process.env.SCREENSHOT) {
    const path = resolve(PROJECT_ROOT, process.env.SCREENSHOT);
    mkdirSync(dirname(path), { recursive: true });
    const failed =
      query<{ prompt_index: number }>(
        lab.dbPath,
        "SELECT prompt_index FROM tool_calls WHERE run_id = ? AND outcome != 'ok' ORDER BY id LIMIT 1",
        runId,
      )[0]?.prompt_index ?? 0;
    await page.getByTestId(`prompt-${failed}`).click();
    await page.getByTestId('prompt-detail').waitFor({ timeout: 10_000 });
    await page.screenshot({ path, fullPage: true });
    process.stdout.write(`screenshot: ${path}\n`);
  }
} finally {
  await browser?.close();
  lab.stop();
  await lab.exit;
  tmp.cleanup();
}
