import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PROXY_MANAGER_PART, openDatabase, partHeartbeat, partStarted, partStopped } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { ManagerWatch } from '../src/run/manager-watch.js';

const tmp = makeTempDir('chaos-lab-manager-watch-');
after(() => tmp.cleanup());

describe('the watch on the proxy-manager', () => {
  it('fails a run whose manager stopped or went silent, unless the whole lab is going down with its launcher', () => {
    const db = openDatabase(join(tmp.path, 'lab.db'));
    try {
      const runStartedAt = 1_000;
      let launcherGone = false;
      const watch = new ManagerWatch(db, runStartedAt, 5_000, () => launcherGone);
      assert.equal(watch.check(1_500), undefined, 'a manager never seen during the run is not watched');
      partStarted(db, PROXY_MANAGER_PART, 4242, 1_100);
      partHeartbeat(db, PROXY_MANAGER_PART, 2_000, null);
      assert.equal(watch.check(3_000), undefined);
      assert.match(watch.check(8_000) ?? '', /last heartbeat was 6000 ms ago \(HEARTBEAT_STALE_MS=5000\)/);
      partStopped(db, PROXY_MANAGER_PART, 2_500);
      assert.match(watch.check(3_000) ?? '', /the proxy-manager stopped during the run/);
      launcherGone = true;
      assert.equal(
        watch.check(3_000),
        undefined,
        'with the launcher gone every part stops by itself: the agent interrupts its run',
      );
      assert.equal(
        new ManagerWatch(db, runStartedAt, 0, () => false).check(9_000),
        undefined,
        'HEARTBEAT_STALE_MS=0 turns the watch off',
      );
    } finally {
      db.close();
    }
  });
});
