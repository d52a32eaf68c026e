import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRandom } from '@chaos-lab/common';

describe('seeded random source', () => {
  it('replays the same sequence from the same seed and differs across seeds', () => {
    const seq = (seed: number) => {
      const r = createRandom(seed);
      return Array.from({ length: 20 }, () => r.next());
    };
    assert.deepEqual(seq(7), seq(7));
    assert.notDeepEqual(seq(7), seq(8));
  });

  it('keeps values in range and roughly uniform', () => {
    const r = createRandom(123);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = r.next();
      assert.ok(x >= 0 && x < 1);
      buckets[Math.floor(x * 10)]++;
    }
    for (const b of buckets) assert.ok(b > 1700 && b < 2300, `bucket ${b}`);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(-3, 3);
      assert.ok(Number.isInteger(n) && n >= -3 && n <= 3);
    }
  });

  it('honours chance at its edges and near its middle', () => {
    const r = createRandom(5);
    let hits = 0;
    for (let i = 0; i < 1000; i++) {
      assert.equal(r.chance(0), false);
      assert.equal(r.chance(1), true);
      if (r.chance(0.3)) hits++;
    }
    assert.ok(hits > 240 && hits < 360, `hits ${hits}`);
  });

  it('forks independent, replayable streams', () => {
    const a1 = createRandom(9).fork('weather');
    const a2 = createRandom(9).fork('weather');
    const b = createRandom(9).fork('search');
    const take = (r: ReturnType<typeof createRandom>) => Array.from({ length: 5 }, () => r.int(0, 1e6));
    assert.deepEqual(take(a1), take(a2));
    assert.notDeepEqual(take(createRandom(9).fork('weather')), take(b));
  });

  it('rejects bad bounds and empty picks', () => {
    const r = createRandom(1);
    assert.throws(() => r.int(3, 1), RangeError);
    assert.throws(() => r.pick([]), RangeError);
  });
});
