// `chaos-lab breaking-point` as users run it (the compiled command, real lab runs): latency on the
// weather proxy over two weather prompts, the check "success ≥ 0.8", with a 1000 ms per-attempt
// timeout, no retry and no fallback: the weather calls fail once the latency passes the timeout. The
// search finds that interval, records it in breaking_points with the runs behind each step, never
// tests within the guard band around the timeout, calls the step held only with its attempts' p95
// below the band, and gives the same answer twice with the same seed.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { rebuildKnowledge } from '@chaos-lab/knowledge';
import { labPortOffset, runCli } from './support/cli.js';
import { query } from './support/lab-run.js';

const temp = makeTempDir('breaking-point-');
after(() => temp.cleanup());

async function env(dir: string): Promise<Record<string, string>> {
  mkdirSync(dir, { recursive: true });
  return {
    LAB_DB_PATH: join(dir, 'lab.db'),
    LOG_DIR: join(dir, 'logs'),
    CHARTS_DIR: join(dir, 'charts'),
    PORT_OFFSET: String(await labPortOffset()),
    OFFLINE_MODEL_LATENCY_MS: '50',
    CHAOS_INTERVAL_MS: '200',
  };
}

const SEARCH = [
  'breaking-point',
  '--target',
  'weather',
  '--to',
  '2000',
  '--steps',
  '2',
  '--limit',
  '2',
  '--seed',
  '7',
  '--set',
  'PROXY_TIMEOUT_MS=1000',
  '--set',
  'TOOL_LIMIT=1',
  '--set',
  'FALLBACK=off',
];

interface Row {
  status: string;
  last_pass: number | null;
  first_fail: number | null;
  steps: string;
  prompt_ids: string;
  seed: number;
  settings_profile: string;
}

describe('chaos-lab breaking-point', () => {
  it('bad input stops before any run: exit 2 naming the option', async () => {
    const dir = join(temp.path, 'bad');
    const run = runCli(['breaking-point', '--target', 'weather', '--to', '10', '--attribute', 'rate'], await env(dir));
    assert.equal((await run.exit).code, 2, run.output());
    assert.equal(
      run.output(),
      'chaos-lab breaking-point: --attribute rate: not an attribute of latency (latency, jitter, toxicity)\n',
    );
  });

  it('finds the latency at which two weather prompts drop below 0.8, the same twice with the same seed', {
    timeout: 240_000,
  }, async () => {
    const dir = join(temp.path, 'latency');
    const answers: string[] = [];
    for (const attempt of [1, 2]) {
      const started = Date.now();
      const run = runCli(SEARCH, await env(dir));
      const { code } = await run.exit;
      const out = run.output();
      assert.equal(code, 0, out);
      const line = /^breaking point: .*$/m.exec(out)?.[0];
      assert.equal(
        line,
        'breaking point: latency on weather between 550 ms (held) and 1100 ms (failed prompt_success_rate >= 0.8)',
        out,
      );
      assert.match(out, /^never tested: 900 ms–1100 ms \(within 100 ms of PROXY_TIMEOUT_MS=1000/m);
      answers.push(line!);
      process.stdout.write(`# breaking-point search ${attempt}: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    assert.equal(answers[0], answers[1]);
    const rows = query<Row>(
      join(dir, 'lab.db'),
      'SELECT status, last_pass, first_fail, steps, prompt_ids, seed, settings_profile FROM breaking_points ORDER BY id',
    );
    assert.equal(rows.length, 2);
    // The knowledge keys the step runs by the profile the search recorded, and the second search, with
    // the same seed, settings and prompts, replays the first: each step counted once.
    const db = openDatabase(join(dir, 'lab.db'));
    try {
      const { rows: knowledge, profiles } = rebuildKnowledge(db);
      assert.deepEqual(
        profiles.map((p) => p.id),
        [rows[0]!.settings_profile],
      );
      assert.match(profiles[0]!.label, /FALLBACK=off .*PROXY_TIMEOUT_MS=1000/);
      assert.deepEqual(
        knowledge.filter((r) => r.target === 'weather').map((r) => [r.band, r.faultEvents, r.replayEvents]),
        [
          ['latency 250–1000 ms', 1, 1],
          ['latency 1000+ ms', 1, 1],
        ],
      );
    } finally {
      db.close();
    }
    for (const row of rows) {
      assert.deepEqual(
        { status: row.status, lastPass: row.last_pass, firstFail: row.first_fail, seed: row.seed },
        { status: 'found', lastPass: 550, firstFail: 1100, seed: 7 },
      );
      assert.deepEqual(JSON.parse(row.prompt_ids), ['readme-weather', 'weather-question']);
      const steps = JSON.parse(row.steps) as {
        value: number;
        failed: boolean;
        verdict: string;
        attemptP95Ms: number | null;
        runs: { runId: string; value: number; outcome: string }[];
      }[];
      assert.deepEqual(
        steps.map((s) => [s.value, s.failed, s.verdict, s.runs.map((r) => [r.value, r.outcome])]),
        [
          [1100, true, 'failed', [[0, 'deviated']]],
          [550, false, 'held', [[1, 'held']]],
        ],
      );
      const p95 = steps[1]!.attemptP95Ms!;
      assert.ok(p95 >= 550 && p95 < 900, `the held step's attempts took 550 ms and more, below 900 ms: ${p95}`);
      // The runs behind each step are in the record, with the planned latency on weather_proxy.
      for (const s of steps) {
        const [fault] = query<{ attributes: string; proxy: string }>(
          join(dir, 'lab.db'),
          "SELECT attributes, proxy FROM fault_events WHERE run_id = ? AND fault = 'breaking-latency'",
          s.runs[0]!.runId,
        );
        assert.deepEqual(
          { ...fault, attributes: JSON.parse(fault!.attributes) },
          { proxy: 'weather_proxy', attributes: { jitter: 0, latency: s.value } },
        );
      }
    }
  });
});
