import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import type { Prompt } from '@chaos-lab/agent/prompts';
import { RunRecords } from '@chaos-lab/agent/records';
import { completeRunRecord } from '../src/launcher/run-record.js';

const tmp = makeTempDir('chaos-lab-run-record-');
after(() => tmp.cleanup());

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);
const prompts = [0, 1, 2].map((index) => ({ index, prompt: `prompt ${index}` })) as unknown as Prompt[];

describe("the launcher completes a dead agent's record", () => {
  it('gives every prompt one row, fails the run with the reason and leaves no model call pending', () => {
    const db = openDatabase(join(tmp.path, 'lab.db'));
    const records = new RunRecords(db, 'run-1', () => T0);
    records.start({ seed: 1, settings: {}, promptsTotal: 3, model: 'offline' });
    db.prepare(
      `INSERT INTO model_calls (run_id, prompt_index, prompt_attempt, call_index, attempt, request_id, provider, model, status, started_at, latency_ms)
       VALUES ('run-1', 0, 1, 1, 1, 'm1#1', 'offline', 'offline', 'pending', ?, 0),
              ('run-1', 0, 1, 2, 1, 'm2#1', 'offline', 'offline', 'ok', ?, 12)`,
    ).run(T0, T0);
    const reason = 'the agent died (killed by SIGKILL)';
    const recorded = completeRunRecord(db, 'run-1', prompts, { status: 'failed', reason }, () => T0 + 1000);
    assert.deepEqual(recorded, { status: 'failed', error: reason });
    const rows = db.prepare('SELECT prompt_index, status FROM prompt_results WHERE run_id = ? ORDER BY 1').all('run-1');
    assert.deepEqual(
      rows.map((r) => (r as { status: string }).status),
      ['interrupted', 'interrupted', 'interrupted'],
    );
    const calls = db.prepare('SELECT request_id, status, error FROM model_calls ORDER BY call_index').all() as {
      request_id: string;
      status: string;
      error: string | null;
    }[];
    assert.deepEqual(
      calls.map((c) => [c.request_id, c.status]),
      [
        ['m1#1', 'cancelled'],
        ['m2#1', 'ok'],
      ],
    );
    assert.match(calls[0]!.error!, /the agent stopped before the request finished: the agent died/);
    db.close();
  });
});
