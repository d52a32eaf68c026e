// duplicate_side_effects counted from the services' writes per prompt by what was written: copies of
// one write under different keys or logical calls count (a prompt retry, a per-attempt key, an agent's
// own retry); two prompts writing the same thing do not; writes are tied to the run and prompt by the
// X-Request-Id, else a key with the run's prefix, else the one prompt in flight when they took effect.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { migrate, openDatabase, type Database } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { duplicateSideEffects, duplicateWrites, measure, type ServiceWrite } from '../src/index.js';

const RUN = '20260101T000000Z-aaaaaa';

/** A send_message write of `identity` at `writtenAt` with these ids. */
function write(
  identity: string,
  writtenAt: number,
  ids: { x?: string; key?: string; record?: string } = {},
  scope = 'POST /messages',
): ServiceWrite {
  return {
    service: scope === 'POST /messages' ? 'message' : 'calendar',
    scope,
    requestId: ids.key ?? null,
    xRequestId: ids.x ?? null,
    identity,
    record: ids.record ?? null,
    writtenAt,
  };
}

describe('duplicate side effects', () => {
  const tmp = makeTempDir('experiment-duplicates-');
  let db: Database;
  before(() => {
    db = openDatabase(join(tmp.path, 'lab.db'));
    migrate(db);
    db.prepare("INSERT INTO runs (run_id, started_at, seed, status) VALUES (?, 0, 1, 'completed')").run(RUN);
    const prompt = db.prepare(
      `INSERT INTO prompt_results (run_id, prompt_index, prompt, status, attempts, started_at, finished_at, duration_ms)
       VALUES (?, ?, 'p', 'correct', 1, ?, ?, ?)`,
    );
    prompt.run(RUN, 0, 1000, 2000, 1000);
    prompt.run(RUN, 1, 3000, 4000, 1000);
  });
  after(() => {
    db.close();
    tmp.cleanup();
  });

  it('a prompt retry writing the same message under a new call and key counts once per copy beyond the first', () => {
    const writes = [
      write('alice', 1100, { x: `${RUN}/p0/a1/c1#1`, key: `${RUN}/p0/a1/c1`, record: 'msg_5' }),
      write('alice', 1500, { x: `${RUN}/p0/a2/c2#1`, key: `${RUN}/p0/a2/c2`, record: 'msg_6' }),
      write('alice', 1600, { x: `${RUN}/p0/a2/c2#2`, key: `${RUN}/p0/a2/c2#2`, record: 'msg_7' }),
      write('bob', 1700, { x: `${RUN}/p0/a2/c3#1`, record: 'msg_8' }),
    ];
    assert.equal(duplicateSideEffects(db, RUN, writes), 2);
    assert.deepEqual(duplicateWrites(db, RUN, writes), [
      {
        promptIndex: 0,
        service: 'message',
        tool: 'send_message',
        records: ['msg_5', 'msg_6', 'msg_7'],
        tiedBy: 'request_id',
      },
    ]);
    assert.equal(measure(db, RUN, { metric: 'duplicate_side_effects' }, writes), 2);
  });

  it('the same write in two prompts is no duplicate; nor are other runs’ writes, or other tools with the same identity', () => {
    const writes = [
      write('alice', 1100, { x: `${RUN}/p0/a1/c1#1` }),
      write('alice', 3100, { x: `${RUN}/p1/a1/c2#1` }),
      write('alice', 1200, { x: 'other-run/p0/a1/c1#1' }),
      write('alice', 1300, { key: 'other-run/p0/wabc' }),
      write('alice', 1400, { x: `${RUN}/p0/a1/c9#1` }, 'POST /events'),
      write('alice', 1450, { x: `${RUN}/p0/a1/c9#1` }, 'DELETE /events'),
    ];
    assert.equal(duplicateSideEffects(db, RUN, writes), 0);
  });

  it('ties a write by its key when its X-Request-Id is not the run’s, else by the one prompt in flight', () => {
    const writes = [
      write('alice', 3100, { x: 'uuid-1', key: `${RUN}/p1/wfeed` }),
      write('alice', 3200, { x: 'uuid-2', key: `${RUN}/p1/wfeed-2` }),
      write('carol', 1100, {}),
      write('carol', 1900, { x: 'some-agent-id', key: 'k2' }),
      write('carol', 2500, {}),
    ];
    assert.deepEqual(
      duplicateWrites(db, RUN, writes).map((d) => [d.promptIndex, d.records.length, d.tiedBy]),
      [
        [0, 2, 'time'],
        [1, 2, 'request_id'],
      ],
      'the write between prompts is tied to none',
    );
  });
});
