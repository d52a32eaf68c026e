// Bisection of a breaking point against a stand-in evaluator (no lab): the interval between the last
// passing and the first failing tested value, either direction, the resolution grid, the band that is
// never tested, and only tested values reported.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bisect, nextValue, snap } from '../src/index.js';

/** An evaluator that fails at and beyond `threshold` (towards `to`), recording what it was asked. */
function threshold(t: number, worseWhenHigher = true) {
  const asked: number[] = [];
  const evaluate = async (v: number) => {
    asked.push(v);
    return { failed: worseWhenHigher ? v >= t : v <= t, detail: `run-${v}` };
  };
  return { asked, evaluate };
}

describe('bisect', () => {
  it('closes in on the threshold: last passing and first failing tested values', async () => {
    const { asked, evaluate } = threshold(1234);
    const r = await bisect({ from: 0, to: 4000, steps: 6, resolution: 1 }, evaluate);
    assert.deepEqual(asked, [2000, 1000, 1500, 1250, 1125, 1188]);
    assert.equal(r.lastPass, 1188);
    assert.equal(r.firstFail, 1250);
    assert.deepEqual(
      r.tested.map((t) => t.detail),
      asked.map((v) => `run-${v}`),
    );
    assert.equal(r.stoppedBy, '6 step(s) done');
  });

  it('searches downwards when smaller is worse (bandwidth rate)', async () => {
    const { evaluate } = threshold(40, false);
    const r = await bisect({ from: 1000, to: 0, steps: 20, resolution: 1 }, evaluate);
    assert.equal(r.firstFail, 40);
    assert.equal(r.lastPass, 41);
    assert.equal(r.stoppedBy, 'resolution 1 reached');
  });

  it('reports no passing (or no failing) value when none was tested', async () => {
    const all = await bisect({ from: 0, to: 100, steps: 3, resolution: 1 }, async () => ({
      failed: true,
      detail: null,
    }));
    assert.equal(all.lastPass, null);
    assert.equal(all.firstFail, 13);
    const none = await bisect({ from: 0, to: 100, steps: 3, resolution: 1 }, async () => ({
      failed: false,
      detail: null,
    }));
    assert.equal(none.firstFail, null);
    assert.equal(none.lastPass, 88);
  });

  it('never tests inside the avoided band: steps to its nearer edge, and says so when the rest lies inside', async () => {
    const avoid = { low: 900, high: 1100, reason: 'within 100 ms of PROXY_TIMEOUT_MS=1000' };
    assert.deepEqual(nextValue(0, 2000, { from: 0, resolution: 1, avoid }), { value: 1100 });
    assert.deepEqual(nextValue(0, 1980, { from: 0, resolution: 1, avoid }), { value: 900 });
    assert.deepEqual(nextValue(900, 1100, { from: 0, resolution: 1, avoid }), {
      stop: 'the rest of the interval lies within 100 ms of PROXY_TIMEOUT_MS=1000, which one run cannot decide',
    });
    const { asked, evaluate } = threshold(1000);
    const r = await bisect({ from: 0, to: 2000, steps: 10, resolution: 1, avoid }, evaluate);
    assert.ok(
      asked.every((v) => v <= 900 || v >= 1100),
      asked.join(', '),
    );
    assert.equal(r.firstFail, 1100);
    assert.equal(r.lastPass, 900);
    assert.match(r.stoppedBy, /which one run cannot decide/);
  });

  it('snaps values to the grid from + k × resolution', () => {
    assert.equal(snap(1234, 0, 250), 1250);
    assert.equal(snap(0.333, 0, 0.01), 0.33);
    assert.equal(snap(130, 10, 50), 110);
  });

  it('refuses a range or a grid it cannot search', async () => {
    await assert.rejects(
      bisect({ from: 5, to: 5, steps: 2, resolution: 1 }, async () => ({ failed: true, detail: null })),
      RangeError,
    );
    await assert.rejects(
      bisect({ from: 0, to: 5, steps: 0, resolution: 1 }, async () => ({ failed: true, detail: null })),
      RangeError,
    );
  });
});
