import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { after, describe, it } from 'node:test';
import { openDatabase, PROJECT_ROOT } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { isAlive, runCli } from './support/cli.js';
import { labBaseEnv } from './support/lab-run.js';

const tmp = makeTempDir('chaos-lab-up-');
after(() => tmp.cleanup());

/** A lab of the default settings but an instant offline model. */
function labEnv(dir: string, extra: Record<string, string> = {}): Promise<Record<string, string>> {
  return labBaseEnv(dir, { OFFLINE_MODEL_LATENCY_MS: '0', ...extra });
}

const SMALL_PROMPTS = [
  "What's the weather like in New York today?",
  'Calculate the result of 15 * 23 + 47',
  "Translate 'Hello, how are you?' to Spanish",
  'Search for information about chaos engineering',
  "What's the weather in Tokyo?",
  'What is 12 * 12?',
  "Translate 'Good morning' to French",
  'Weather in London please',
].map((prompt) => ({ prompt }));

describe('chaos-lab up', () => {
  it('runs the whole lab under heavy chaos and leaves results, charts and JSON logs', async () => {
    const dir = join(tmp.path, 'e2e');
    const prompts = join(tmp.path, 'prompts-small.json');
    writeFileSync(prompts, JSON.stringify(SMALL_PROMPTS));
    const run = runCli(
      ['up', '--prompts', prompts, '--seed', '11', '--toxic-prob', '1', '--tool-limit', '2', '--prompt-limit', '2'],
      await labEnv(dir, {
        TOXICS: 'timeout',
        CHAOS_INTERVAL_MS: '50',
        TOXIC_DURATION_MS: '300-600',
        PROXY_TIMEOUT_MS: '400',
        FALLBACK_TIMEOUT_MS: '3000',
      }),
    );
    const { code } = await run.exit;
    assert.equal(code, 0, run.output());
    assert.match(run.output(), /report: .*index\.html/);

    const db = openDatabase(join(dir, 'lab.db'), { readonly: true });
    const runRow = db.prepare('SELECT run_id, status, seed, prompts_total FROM runs').get() as {
      run_id: string;
      status: string;
      seed: number;
      prompts_total: number;
    };
    assert.equal(runRow.status, 'completed');
    assert.equal(runRow.seed, 11);
    assert.equal(runRow.prompts_total, SMALL_PROMPTS.length);
    const results = db
      .prepare('SELECT prompt_index FROM prompt_results WHERE run_id = ? ORDER BY prompt_index')
      .all(runRow.run_id) as { prompt_index: number }[];
    assert.deepEqual(
      results.map((r) => r.prompt_index),
      SMALL_PROMPTS.map((_, i) => i),
    );
    const toxics = db
      .prepare('SELECT COUNT(*) AS n, SUM(ended_at IS NULL) AS open FROM toxic_events WHERE run_id = ?')
      .get(runRow.run_id) as { n: number; open: number };
    assert.ok(toxics.n > 0, 'toxics were injected');
    assert.equal(toxics.open, 0, 'every toxic event is closed');
    const calls = db
      .prepare("SELECT SUM(attempt > 1) AS retries, SUM(via = 'direct') AS fallbacks FROM tool_calls WHERE run_id = ?")
      .get(runRow.run_id) as { retries: number; fallbacks: number };
    assert.ok(
      calls.retries + calls.fallbacks > 0,
      `retries or fallbacks are visible in tool_calls: ${JSON.stringify(calls)}`,
    );
    db.close();

    const charts = readdirSync(join(dir, 'charts'));
    assert.ok(charts.includes('index.html'));
    const svgs = charts.filter((f) => f.endsWith('.svg'));
    const pngs = charts.filter((f) => f.endsWith('.png'));
    assert.ok(svgs.length >= 7 && pngs.length === svgs.length, charts.join(', '));
    for (const f of svgs) assert.match(readFileSync(join(dir, 'charts', f), 'utf8'), /^(<\?xml[^>]*>\s*)?<svg[\s>]/);
    for (const f of pngs)
      assert.deepEqual([...readFileSync(join(dir, 'charts', f)).subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10]);

    for (const file of ['info.log', 'agent.log']) {
      const lines = readFileSync(join(dir, 'logs', file), 'utf8')
        .split('\n')
        .filter(Boolean);
      assert.ok(lines.length > 0, `${file} has lines`);
      for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), `${file}: ${line.slice(0, 200)}`);
    }
  });

  it('stops cleanly on SIGINT mid-run: finished prompts kept, no child and no open toxic left', async () => {
    const dir = join(tmp.path, 'sigint');
    const run = runCli(
      ['up', '--prompts', join(PROJECT_ROOT, 'agent', 'prompts.json'), '--toxic-prob', '0.5'],
      await labEnv(dir, {
        OFFLINE_MODEL_LATENCY_MS: '50',
        TOXICS: 'latency,timeout',
        CHAOS_INTERVAL_MS: '50',
        TOXIC_DURATION_MS: '500-1500',
        PROXY_TIMEOUT_MS: '800',
      }),
    );
    const dbPath = join(dir, 'lab.db');
    let finished = 0;
    for (let i = 0; i < 600 && finished === 0; i++) {
      await delay(50);
      try {
        const db = openDatabase(dbPath, { readonly: true });
        finished = (db.prepare('SELECT COUNT(*) AS n FROM prompt_results').get() as { n: number }).n;
        db.close();
      } catch {
        // the database does not exist yet
      }
    }
    assert.ok(finished > 0, `a prompt finished before the signal:\n${run.output()}`);
    const children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(run.child.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((l) => Number(l.trim()))
      .filter((n) => n > 0);
    assert.ok(children.length >= 9, `children running: ${children.length}`);
    run.child.kill('SIGINT');
    const { code } = await run.exit;
    assert.equal(code, 130, run.output());
    for (const pid of children) assert.equal(isAlive(pid), false, `child ${pid} still running`);
    const db = openDatabase(dbPath, { readonly: true });
    const runRow = db.prepare('SELECT run_id, status FROM runs').get() as { run_id: string; status: string };
    assert.equal(runRow.status, 'interrupted');
    const kept = (
      db.prepare('SELECT COUNT(*) AS n FROM prompt_results WHERE run_id = ?').get(runRow.run_id) as { n: number }
    ).n;
    assert.ok(kept >= finished);
    const open = (db.prepare('SELECT COUNT(*) AS n FROM toxic_events WHERE ended_at IS NULL').get() as { n: number }).n;
    assert.equal(open, 0, 'no toxic left open');
    db.close();
  });

  it('refuses a bad prompts file before starting anything, and exits 2', async () => {
    const dir = join(tmp.path, 'bad-prompts');
    const prompts = join(tmp.path, 'prompts-bad.json');
    writeFileSync(prompts, JSON.stringify([{ prompt: 'ok' }, { prompt: '' }]));
    const run = runCli(['up', '--prompts', prompts], await labEnv(dir));
    const { code } = await run.exit;
    assert.equal(code, 2, run.output());
    assert.match(run.output(), /prompts-bad\.json.*entry 1|entry 1.*prompts-bad\.json/);
    assert.doesNotMatch(run.output(), /lab ready/);
  });

  it('names a port that is already taken and exits 1', async () => {
    const dir = join(tmp.path, 'taken');
    const env = await labEnv(dir);
    const weatherPort = 5001 + Number(env.PORT_OFFSET);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(weatherPort, '127.0.0.1', resolve));
    try {
      const run = runCli(['up'], env);
      const { code } = await run.exit;
      assert.equal(code, 1, run.output());
      assert.match(
        run.output(),
        new RegExp(`port ${weatherPort} on 127\\.0\\.0\\.1 \\(weather tool service\\) is already in use`),
      );
    } finally {
      blocker.close();
    }
  });
});
