// The dashboard end to end: a real offline `chaos-lab up` run on ports of its own, watched and steered
// from headless Chromium (Debian's, driven by playwright-core): the page loads during the run and
// updates, a prompt opens on its attempts, a TOXIC_PROB change reaches the proxy-manager and the
// record, a cross-site POST is refused, the history lists the run, and an abort ends it interrupted
// with every prompt recorded.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '@chaos-lab/common/testing';
import {
  chromiumMissing,
  launchChromium,
  promptRowsSeen,
  query,
  startLab,
  waitFor,
  watchPromptRows,
  writePrompts,
  type LabRun,
} from './support/browser.js';

const PROMPTS = 40;
const SECRET = 'gsk_dashboard_test_secret_0123456789';
const tmp = makeTempDir('chaos-lab-dashboard-');
let lab: LabRun;
let browser: Browser;
let page: Page;
let url: string;
let managerUrl: string;
let runId: string;

// Without a browser the tests are skipped, never passed: one line says why and how to install it.
const noChromium = chromiumMissing();
if (noChromium) console.log(noChromium);
const skip = noChromium ? 'no Chromium' : false;

before(async () => {
  if (noChromium) return;
  lab = await startLab(tmp.path, ['--prompts', writePrompts(tmp.path, PROMPTS), '--seed', '7'], {
    TOXIC_PROB: '0',
    ERROR_PROB: '0',
    // A key the offline run never uses: nothing the dashboard serves may show it.
    GROQ_API_KEY: SECRET,
    TOXICS: 'latency',
    OFFLINE_MODEL_LATENCY_MS: '150',
    CHAOS_INTERVAL_MS: '100',
    TOXIC_DURATION_MS: '300-900',
  });
  // Assigned before anything can fail, so the after hook closes whatever was started.
  browser = await launchChromium();
  url = (await lab.waitForOutput(/dashboard: (http:\S+)/, 60_000))[1]!;
  managerUrl = `http://127.0.0.1:${8000 + lab.portOffset}`;
  await lab.waitForOutput(/running the agent/, 90_000);
  runId = await waitFor(
    'the run row',
    () => query<{ run_id: string }>(lab.dbPath, 'SELECT run_id FROM runs')[0]?.run_id,
    30_000,
  );
  page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
});

after(async () => {
  await browser?.close();
  lab?.stop();
  await lab?.exit;
  tmp.cleanup();
});

describe('the dashboard during a real run', () => {
  it('loads during the run and updates as prompts finish', { skip }, async (t) => {
    const started = Date.now();
    await page.goto(url);
    await page.getByTestId('progress').waitFor({ timeout: 20_000 });
    const loadMs = Date.now() - started;
    t.diagnostic(`page load (navigation to the live run shown): ${loadMs} ms`);
    await watchPromptRows(page);
    const first = await page.getByTestId('progress').textContent();
    await waitFor(
      'the progress line to change',
      async () => (await page.getByTestId('progress').textContent()) !== first,
      30_000,
    );
    const before = Number(/^(\d+)/.exec(first ?? '')![1]);
    await waitFor(
      'three more prompts on the page',
      async () => Number(/^(\d+)/.exec((await page.getByTestId('progress').textContent()) ?? '')![1]) >= before + 3,
      30_000,
    );
    const seen = await promptRowsSeen(page);
    const written = query<{ prompt_index: number; finished_at: number }>(
      lab.dbPath,
      'SELECT prompt_index, finished_at FROM prompt_results WHERE run_id = ?',
      runId,
    );
    const latencies = written
      .filter((r) => r.prompt_index >= before && seen[`prompt-${r.prompt_index}`] !== undefined)
      .map((r) => seen[`prompt-${r.prompt_index}`]! - r.finished_at);
    assert.ok(latencies.length >= 3, `rows seen appearing: ${JSON.stringify(seen)}`);
    latencies.sort((a, b) => a - b);
    t.diagnostic(
      `update latency (prompt row written → shown): median ${latencies[latencies.length >> 1]} ms, max ${latencies.at(-1)} ms over ${latencies.length} rows`,
    );
    // Polled every 200 ms; a loaded 2-core machine may add seconds, never tens of them.
    assert.ok(latencies.at(-1)! < 10_000, `latencies ${latencies.join(', ')}`);
  });

  it("shows a prompt's tool calls and attempts when it is clicked", { skip }, async () => {
    await page.getByTestId('prompt-0').click();
    const detail = page.getByTestId('prompt-detail');
    await detail.waitFor({ timeout: 10_000 });
    assert.match((await detail.textContent()) ?? '', /weather/);
    assert.ok((await page.getByTestId('attempt').count()) >= 1, 'at least one attempt row');
    const recorded = query<{ n: number }>(
      lab.dbPath,
      'SELECT COUNT(*) AS n FROM tool_calls WHERE run_id = ? AND prompt_index = 0',
      runId,
    )[0]!.n;
    assert.equal(await page.getByTestId('attempt').count(), recorded, 'one row per recorded attempt of prompt 0');
  });

  it('steers TOXIC_PROB: the proxy-manager injects toxics from then on, and the change is recorded', {
    skip,
  }, async () => {
    assert.equal(
      query<{ n: number }>(
        lab.dbPath,
        "SELECT COUNT(*) AS n FROM fault_events WHERE run_id = ? AND kind = 'toxic'",
        runId,
      )[0]!.n,
      0,
      'TOXIC_PROB=0 at start',
    );
    await page.getByTestId('toxic-prob').fill('1');
    await page.getByTestId('apply').click();
    await waitFor(
      'the steering answer',
      async () => /recorded: TOXIC_PROB/.test((await page.getByTestId('steering-message').textContent()) ?? ''),
      10_000,
    );
    const [change] = query<{ at: number; value: string; previous: string; source: string }>(
      lab.dbPath,
      "SELECT at, value, previous, source FROM steering_changes WHERE run_id = ? AND setting = 'TOXIC_PROB'",
      runId,
    );
    assert.deepEqual(
      { value: change!.value, previous: change!.previous, source: change!.source },
      { value: '1', previous: '0', source: 'dashboard' },
    );
    await waitFor(
      'the manager to draw with TOXIC_PROB=1',
      async () => {
        const status = (await (await fetch(`${managerUrl}/status`)).json()) as { chaos: { toxicProb: number } };
        return status.chaos.toxicProb === 1;
      },
      5_000,
    );
    await waitFor(
      'a toxic injected after the change',
      () =>
        query<{ n: number }>(
          lab.dbPath,
          "SELECT COUNT(*) AS n FROM fault_events WHERE run_id = ? AND kind = 'toxic' AND started_at >= ?",
          runId,
          change!.at,
        )[0]!.n > 0,
      10_000,
    );
    await page.getByTestId('steering-log').waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(tmp.path, 'dashboard.png'), fullPage: true });
    assert.deepEqual([...readFileSync(join(tmp.path, 'dashboard.png')).subarray(1, 4)], [...Buffer.from('PNG')]);
  });

  it('refuses a cross-site POST, from a browser on another site and with forged headers', { skip }, async () => {
    // localhost is another site than 127.0.0.1: the browser marks the request cross-site.
    const other = await browser.newPage();
    await other.goto(url.replace('127.0.0.1', 'localhost'));
    await other.evaluate(async (target) => {
      await fetch(`${target}api/steering`, {
        method: 'POST',
        mode: 'no-cors',
        headers: { 'content-type': 'text/plain' },
        body: '{"TOXIC_PROB":0.37}',
      }).catch(() => undefined);
    }, url);
    await other.close();
    for (const target of [`${url}api/steering`, `${managerUrl}/steering`]) {
      const res = await fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' },
        body: '{"TOXIC_PROB":0.37}',
      });
      assert.equal(res.status, 403, target);
      assert.match(((await res.json()) as { error: string }).error, /cross-site/);
    }
    const bad = await fetch(`${url}api/steering`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"TOXIC_PROB":1.5}',
    });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /TOXIC_PROB/);
    assert.equal(
      query<{ n: number }>(lab.dbPath, "SELECT COUNT(*) AS n FROM steering_changes WHERE value IN ('0.37', '1.5')")[0]!
        .n,
      0,
    );
  });

  it('lists the run in the history, answers bad requests with a message, and shows no key', { skip }, async () => {
    await page.goto(`${url}#/history`);
    await page.getByTestId(`run-${runId}`).waitFor({ timeout: 10_000 });
    const bad = await fetch(`${url}api/runs/${runId}/prompts/first`);
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /prompt index "first"/);
    assert.equal((await fetch(`${url}api/runs/no-such-run`)).status, 404);
    const served = [
      await (await fetch(`${url}api/runs`)).text(),
      await (await fetch(`${url}api/runs/${runId}`)).text(),
      await (await fetch(`${url}api/runs/${runId}/prompts/0`)).text(),
      await (await fetch(`${url}api/steering`)).text(),
    ];
    for (const body of served) assert.ok(!body.includes(SECRET), 'a key in an answer');
    assert.match(served[1]!, /"GROQ_API_KEY":"\(set\)"/);
  });

  it('aborts the run cleanly: interrupted, every prompt recorded', { skip }, async () => {
    await page.goto(url);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('abort').click();
    await waitFor(
      'the abort answer',
      async () => /requested/.test((await page.getByTestId('steering-message').textContent()) ?? ''),
      10_000,
    );
    const code = await Promise.race([
      lab.exit,
      new Promise<string>((r) => setTimeout(() => r('still running'), 30_000)),
    ]);
    assert.equal(code, 130, lab.output()); // as on Ctrl-C
    assert.match(lab.output(), /interrupted: aborted through steering/);
    const [run] = query<{ status: string; n: number }>(
      lab.dbPath,
      'SELECT status, (SELECT COUNT(*) FROM prompt_results p WHERE p.run_id = r.run_id) AS n FROM runs r',
    );
    assert.deepEqual(run, { status: 'interrupted', n: PROMPTS });
    assert.equal(
      query<{ n: number }>(
        lab.dbPath,
        "SELECT COUNT(*) AS n FROM steering_changes WHERE setting = 'ABORT' AND source = 'dashboard'",
      )[0]!.n,
      1,
    );
  });
});
