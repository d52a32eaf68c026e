// attempt_faults and a fault that knows the attempts it touched (fault_events.touched_attempts): two
// parallel calls overlap a planned fault in time, and only the attempt it names is touched by it.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';

const tmp = makeTempDir('chaos-lab-touched-');
after(() => tmp.cleanup());

describe('attempt_faults with touched_attempts', () => {
  it('joins only the listed attempts; [] touches none; NULL falls back to time', () => {
    const db = openDatabase(join(tmp.path, 'lab.db'));
    db.prepare("INSERT INTO runs (run_id, started_at, status, seed) VALUES ('r', 0, 'completed', 1)").run();
    const attempt = db.prepare(
      `INSERT INTO tool_calls (run_id, prompt_index, prompt_attempt, call_id, attempt_id, tool, service, attempt, via, outcome, started_at, duration_ms)
       VALUES ('r', 0, 1, ?, ?, 'get_weather', 'weather', 1, 'proxy', ?, 1000, 100)`,
    );
    attempt.run('c1', 'c1#1', 'ok');
    attempt.run('c2', 'c2#1', 'reset');
    const fault = db.prepare(
      `INSERT INTO fault_events (id, run_id, kind, proxy, service, name, type, started_at, ended_at, touched_attempts)
       VALUES (?, 'r', 'toxic', 'weather_proxy', 'weather', ?, 'reset_peer', 990, 1200, ?)`,
    );
    fault.run(1, 'named', '["c2#1"]');
    fault.run(2, 'none', '[]');
    fault.run(3, 'timed', null);
    const touched = (id: number) =>
      (
        db.prepare('SELECT call_id FROM attempt_faults WHERE fault_event_id = ? ORDER BY call_id').all(id) as {
          call_id: string;
        }[]
      ).map((r) => r.call_id);
    assert.deepEqual(touched(1), ['c2']);
    assert.deepEqual(touched(2), []);
    assert.deepEqual(touched(3), ['c1', 'c2']);
    db.close();
  });
});
