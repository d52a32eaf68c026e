import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { runRunsCommand } from '../src/commands/runs.js';
import { insertChaosRun, insertEmptyRun, type SyntheticRun } from '@chaos-lab/report/testing';

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
    assert.deepEqual(lines[0]!.split(/\s{2,}/), ['run', 'started (UTC)', 'status', 'prompts', 'correct', 'unchecked', 'wrong', 'unhandled', 'failed', 'interrupted', 'seed']);
    const s = latest.statuses;
    const counts = ['correct', 'unchecked', 'wrong', 'unhandled', 'failed', 'interrupted'].map((k) => String(s[k] ?? 0));
    assert.deepEqual(lines[1]!.split(/\s{2,}/), ['run-latest', '2025-01-15 09:00:00', 'completed', '12', ...counts, '37']);
    assert.deepEqual(lines[2]!.split(/\s{2,}/), ['run-empty', '2025-01-15 08:00:00', 'failed', '3', '0', '0', '0', '0', '0', '0', '7']);
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
});
