/**
 * `chaos-lab charts`: which folder a run renders into, what the command prints, and its one-line
 * failures. The charts and the report themselves are tested in report/test/charts.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir, testSettings } from '@chaos-lab/common/testing';
import { type SyntheticRun, writeThreeRuns } from '@chaos-lab/report/testing';
import { runChartsCommand } from '../src/commands/charts.js';

const T0 = Date.UTC(2025, 0, 15, 9, 0, 0);

const tmp = makeTempDir('chaos-lab-charts-');
const dbPath = join(tmp.path, 'lab.db');
let latest: SyntheticRun;
let older: SyntheticRun;

before(() => {
  ({ older, latest } = writeThreeRuns(dbPath, T0));
});

after(() => tmp.cleanup());

describe('chaos-lab charts', () => {
  function capture() {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: { write: (t: string) => out.push(t) }, err: { write: (t: string) => err.push(t) } }, out, err };
  }

  it('renders the latest run into CHARTS_DIR and prints the paths', async () => {
    const settings = testSettings(tmp.path, { LAB_DB_PATH: dbPath, CHARTS_DIR: join(tmp.path, 'cli-charts') });
    const { io, out, err } = capture();
    assert.equal(await runChartsCommand({ settings }, io), 0);
    assert.deepEqual(err, []);
    const text = out.join('');
    assert.match(text, new RegExp(`charts of run ${latest.runId} \\(14 files, \\d+ ms\\)`));
    assert.ok(text.includes(join('cli-charts', 'index.html')));
    assert.ok(existsSync(join(tmp.path, 'cli-charts', 'throughput.png')));
  });

  it("renders an earlier run given with --run into runs/<ID>, leaving the latest run's report alone", async () => {
    const chartsDir = join(tmp.path, 'cli-both');
    const settings = testSettings(tmp.path, { LAB_DB_PATH: dbPath, CHARTS_DIR: chartsDir });
    assert.equal(await runChartsCommand({ settings }, capture().io), 0);
    const latestReport = readFileSync(join(chartsDir, 'index.html'), 'utf8');
    const { io, out } = capture();
    assert.equal(await runChartsCommand({ runId: older.runId, settings }, io), 0);
    assert.match(out.join(''), new RegExp(`charts of run ${older.runId} `));
    assert.ok(out.join('').includes(join('cli-both', 'runs', older.runId, 'index.html')));
    assert.ok(readFileSync(join(chartsDir, 'runs', older.runId, 'index.html'), 'utf8').includes(older.runId));
    assert.equal(readFileSync(join(chartsDir, 'index.html'), 'utf8'), latestReport, 'the latest report is untouched');
    // Naming the latest run renders into CHARTS_DIR itself.
    assert.equal(await runChartsCommand({ runId: latest.runId, settings }, capture().io), 0);
    assert.ok(!existsSync(join(chartsDir, 'runs', latest.runId)));
  });

  for (const [what, setup, message] of [
    [
      'a missing database',
      () => join(tmp.path, 'nowhere', 'lab.db'),
      /^chaos-lab charts: no lab database at .*nowhere.*: run the lab first/,
    ],
    [
      'a database with no run',
      () => {
        const path = join(tmp.path, 'no-runs.db');
        openDatabase(path).close();
        return path;
      },
      /^chaos-lab charts: no runs recorded in .*no-runs\.db: the lab has not run yet$/,
    ],
    [
      'an unknown run id',
      () => dbPath,
      /^chaos-lab charts: no run "nope" in .*; latest runs: run-latest, run-old, run-empty$/,
    ],
  ] as const) {
    it(`exits 1 with one clear line for ${what}`, async () => {
      const settings = testSettings(tmp.path, { LAB_DB_PATH: setup(), CHARTS_DIR: join(tmp.path, 'cli-fail') });
      const { io, out, err } = capture();
      assert.equal(
        await runChartsCommand({ runId: what === 'an unknown run id' ? 'nope' : undefined, settings }, io),
        1,
      );
      assert.deepEqual(out, []);
      assert.equal(err.length, 1);
      assert.equal(err[0]!.trimEnd().split('\n').length, 1, 'one line');
      assert.match(err[0]!.trimEnd(), message);
      assert.ok(!existsSync(join(tmp.path, 'cli-fail')), 'no chart written');
    });
  }
});
