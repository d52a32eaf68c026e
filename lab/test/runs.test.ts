import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { listRuns as historyRuns } from '@chaos-lab/dashboard';
import { analyzeRun, loadRunData, summarizeRun } from '@chaos-lab/report';
import { insertChaosRun, insertEmptyRun, type SyntheticRun } from '@chaos-lab/report/testing';
import { listRuns, runRunsCommand } from '../src/commands/runs.js';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);
const tmp = makeTempDir('chaos-lab-runs-');
const dbPath = join(tmp.path, 'lab.db');
let latest: SyntheticRun;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } }, out, err };
}

before(() => {
  const db = openDatabase(dbPath);
  insertEmptyRun(db, { runId: 'run-empty', startedAt: T0 - 3_600_000 });
  latest = insertChaosRun(db, { runId: 'run-latest', startedAt: T0, seed: 37, promptCount: 12 });
  db.close();
});

after(() => tmp.cleanup());

describe('chaos-lab runs', () => {
  it('lists the runs latest first with start, status, prompts by status and seed', () => {
    const { io, out, err } = capture();
    assert.equal(runRunsCommand({ limit: 20, settings: testSettings(tmp.path, { LAB_DB_PATH: dbPath }) }, io), 0);
    assert.deepEqual(err, []);
    const lines = out.join('').trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.deepEqual(lines[0]!.split(/\s{2,}/), [
      'run',
      'started (UTC)',
      'status',
      'prompts',
      'correct',
      'unchecked',
      'wrong',
      'unhandled',
      'failed',
      'interrupted',
      'seed',
    ]);
    const s = latest.statuses;
    const counts = ['correct', 'unchecked', 'wrong', 'unhandled', 'failed', 'interrupted'].map((k) =>
      String(s[k] ?? 0),
    );
    assert.deepEqual(lines[1]!.split(/\s{2,}/), [
      'run-latest',
      '2025-01-15 09:00:00',
      'completed',
      '12',
      ...counts,
      '37',
    ]);
    assert.deepEqual(lines[2]!.split(/\s{2,}/), [
      'run-empty',
      '2025-01-15 08:00:00',
      'failed',
      '3',
      '0',
      '0',
      '0',
      '0',
      '0',
      '0',
      '7',
    ]);
  });

  it('shows only --limit runs', () => {
    const { io, out } = capture();
    assert.equal(runRunsCommand({ limit: 1, settings: testSettings(tmp.path, { LAB_DB_PATH: dbPath }) }, io), 0);
    assert.equal(out.join('').trimEnd().split('\n').length, 2);
  });

  it('exits 1 with one line for a missing database or a bad --limit', () => {
    for (const [limit, path, message] of [
      [5, join(tmp.path, 'nowhere', 'lab.db'), /^chaos-lab runs: no lab database at .*nowhere/],
      [0, dbPath, /^chaos-lab runs: --limit must be a whole number ≥ 1, got 0$/],
    ] as const) {
      const { io, out, err } = capture();
      assert.equal(runRunsCommand({ limit, settings: testSettings(tmp.path, { LAB_DB_PATH: path }) }, io), 1);
      assert.deepEqual(out, []);
      assert.equal(err.length, 1);
      assert.match(err[0]!.trimEnd(), message);
    }
  });

  it('counts a run with unchecked prompts as the dashboard history and the report summary do: only correct succeeds', () => {
    const path = join(tmp.path, 'agree.db');
    const db = openDatabase(path);
    try {
      db.prepare(
        "INSERT INTO runs (run_id, started_at, finished_at, status, seed, prompts_total) VALUES ('agree', ?, ?, 'completed', 5, 7)",
      ).run(T0, T0 + 7000);
      const insert = db.prepare(
        "INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, started_at, finished_at, duration_ms) VALUES ('agree', ?, 'p', ?, 1, ?, ?, 1000)",
      );
      ['correct', 'unchecked', 'unchecked', 'wrong', 'correct', 'failed', 'interrupted'].forEach((status, i) => {
        insert.run(i, status, T0 + i * 1000, T0 + (i + 1) * 1000);
      });
      const [listed] = listRuns(db, 1);
      const [history] = historyRuns(db);
      const summary = summarizeRun(analyzeRun(loadRunData(db, 'agree')));
      assert.deepEqual(
        { ...listed },
        {
          runId: 'agree',
          startedAt: T0,
          status: 'completed',
          seed: 5,
          promptsTotal: 7,
          correct: 2,
          unchecked: 2,
          wrong: 1,
          unhandled: 0,
          failed: 1,
          interrupted: 1,
        },
      );
      assert.equal(history!.promptsSucceeded, 2, 'unchecked answers are not successes');
      assert.equal(history!.promptsDone, 7);
      assert.deepEqual(summary.prompts.byStatus, {
        correct: 2,
        unchecked: 2,
        wrong: 1,
        unhandled: 0,
        failed: 1,
        interrupted: 1,
      });
      assert.equal(summary.prompts.checked, 4);
      assert.equal(summary.prompts.successRate, 2 / 4);
    } finally {
      db.close();
    }
  });
});
