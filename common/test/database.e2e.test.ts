import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { currentRun, MIGRATIONS, newRunId, openDatabase, schemaVersion } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import Database from 'better-sqlite3';

const tmp = makeTempDir();
after(() => tmp.cleanup());

function runWriter(dbPath: string, who: string, count: number): Promise<{ code: number | null; stderr: string }> {
  const fixture = fileURLToPath(new URL('./support/writer.ts', import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', fixture, dbPath, who, String(count)],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('database', () => {
  it('creates the tables and the toxic_events view in WAL mode at the current schema version', () => {
    const db = openDatabase(join(tmp.path, 'fresh', 'lab.db'));
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    assert.deepEqual(tables, [
      'breaking_points',
      'call_announcements',
      'control',
      'experiment_checks',
      'experiment_variants',
      'experiments',
      'fault_events',
      'fault_plans',
      'knowledge',
      'knowledge_builds',
      'knowledge_profiles',
      'logical_calls',
      'model_calls',
      'parts',
      'prompt_results',
      'runs',
      'service_requests',
      'steering_changes',
      'tool_calls',
      'unseen_calls',
    ]);
    const views = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'view' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    for (const view of [
      'toxic_events',
      'tool_attempts',
      'tool_call_summaries',
      'model_call_faults',
      'unseen_call_faults',
    ])
      assert.ok(views.includes(view), view);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    db.close();
  });

  it('keeps rows when reopened and refuses a schema newer than it knows', () => {
    const path = join(tmp.path, 'keep.db');
    const db = openDatabase(path);
    db.prepare("INSERT INTO runs (run_id, started_at, seed) VALUES ('r1', 1, 7)").run();
    db.close();
    const again = openDatabase(path);
    assert.equal((again.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number }).n, 1);
    again.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    again.close();
    assert.throws(
      () => openDatabase(path),
      (err: Error & { code?: string }) => err.code === 'DATABASE' && /newer/.test(err.message),
    );
  });

  it('upgrades an older database in place', () => {
    const path = join(tmp.path, 'old.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!.sql);
    raw.pragma('user_version = 1');
    raw.prepare("INSERT INTO runs (run_id, started_at, seed) VALUES ('old', 1, 1)").run();
    raw.close();
    const db = openDatabase(path);
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    assert.equal((db.prepare("SELECT seed FROM runs WHERE run_id = 'old'").get() as { seed: number }).seed, 1);
    db.close();
  });

  it('finds the current run by its start time', () => {
    const db = openDatabase(join(tmp.path, 'current.db'));
    assert.equal(currentRun(db), undefined);
    db.prepare("INSERT INTO runs (run_id, started_at, seed) VALUES ('a', 100, 1), ('b', 200, 1)").run();
    db.prepare(
      "INSERT INTO control (run_id, phase, heartbeat_at, updated_at) VALUES ('a', 'done', 1, 1), ('b', 'active', 2, 2)",
    ).run();
    assert.deepEqual(currentRun(db), { runId: 'b', phase: 'active', currentPrompt: null, heartbeatAt: 2, seed: 1 });
    db.close();
  });

  it('makes run ids from the UTC start time that sort by it and do not repeat', () => {
    const id = newRunId(Date.UTC(2026, 10, 21, 23, 37, 45, 123));
    assert.match(id, /^20261121T233745Z-[0-9a-f]{6}$/);
    assert.ok(newRunId(Date.UTC(2026, 10, 21, 23, 37, 46)) > id);
    assert.notEqual(newRunId(0), newRunId(0));
  });

  it('lets three processes write at once without SQLITE_BUSY', async () => {
    const path = join(tmp.path, 'concurrent.db');
    const perWriter = 400;
    const results = await Promise.all(['a', 'b', 'c'].map((who) => runWriter(path, who, perWriter)));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const db = openDatabase(path);
    const rows = db
      .prepare(
        'SELECT proxy, COUNT(*) AS n, COUNT(DISTINCT name) AS names FROM toxic_events GROUP BY proxy ORDER BY proxy',
      )
      .all();
    assert.deepEqual(rows, [
      { proxy: 'a', n: perWriter, names: perWriter },
      { proxy: 'b', n: perWriter, names: perWriter },
      { proxy: 'c', n: perWriter, names: perWriter },
    ]);
    db.close();
  });

  it('upgrades a first-version database in place: old successes become unchecked, toxics become fault events', () => {
    const path = join(tmp.path, 'v1.db');
    const raw = new Database(path);
    raw.exec(MIGRATIONS[0]!.sql);
    raw.pragma('user_version = 1');
    raw.exec(`
      INSERT INTO runs (run_id, started_at, seed, prompts_total, prompts_succeeded, prompts_failed) VALUES ('old', 1, 7, 3, 2, 1);
      INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, started_at, finished_at, duration_ms)
        VALUES ('old', 0, 'a', 'succeeded', 1, 1, 2, 1), ('old', 1, 'b', 'succeeded', 1, 1, 2, 1);
      INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, error_type, started_at, finished_at, duration_ms)
        VALUES ('old', 2, 'c', 'failed', 0, 'interrupted', 1, 2, 1);
      INSERT INTO toxic_events (run_id, proxy, name, type, stream, toxicity, started_at, ended_at)
        VALUES ('old', 'weather_proxy', 't', 'timeout', 'upstream', 1, 5, 9);
    `);
    raw.close();
    const db = openDatabase(path);
    assert.equal(schemaVersion(db), MIGRATIONS.length);
    const statuses = (
      db.prepare('SELECT status FROM prompt_results ORDER BY prompt_index').all() as { status: string }[]
    ).map((r) => r.status);
    assert.deepEqual(statuses, ['unchecked', 'unchecked', 'interrupted']);
    assert.deepEqual(
      db.prepare('SELECT prompts_correct, prompts_unchecked, prompts_failed, prompts_interrupted FROM runs').get(),
      { prompts_correct: 0, prompts_unchecked: 2, prompts_failed: 0, prompts_interrupted: 1 },
    );
    assert.deepEqual(db.prepare('SELECT kind, proxy, service, ended_at FROM fault_events').get(), {
      kind: 'toxic',
      proxy: 'weather_proxy',
      service: 'weather',
      ended_at: 9,
    });
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM toxic_events').get() as { n: number }).n, 1);
    db.close();
  });
});
