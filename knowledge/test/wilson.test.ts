import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wilsonInterval } from '@chaos-lab/knowledge';

describe('wilsonInterval', () => {
  it('matches a hand-computed interval: 8 of 10 at 95% is [0.4902, 0.9433]', () => {
    // p̂ = 0.8, z² = 3.8415, z²/n = 0.38415, denominator 1.38415;
    // centre = (0.8 + 0.19208) / 1.38415 = 0.71675;
    // half = 1.95996 / 1.38415 × √(0.016 + 0.0096039) = 1.41600 × 0.16001 = 0.22658.
    const i = wilsonInterval(8, 10)!;
    assert.ok(Math.abs(i.low - 0.49016) < 1e-4, String(i.low));
    assert.ok(Math.abs(i.high - 0.94334) < 1e-4, String(i.high));
  });

  it('stays inside [0, 1] at 0 and n successes, and is null without a trial', () => {
    assert.deepEqual(wilsonInterval(5, 5)!.high, 1);
    assert.ok(wilsonInterval(5, 5)!.low < 1 && wilsonInterval(5, 5)!.low > 0.5);
    assert.equal(wilsonInterval(0, 5)!.low, 0);
    assert.equal(wilsonInterval(0, 0), null);
  });

  it('narrows as the evidence grows', () => {
    const small = wilsonInterval(4, 5)!;
    const large = wilsonInterval(400, 500)!;
    assert.ok(large.high - large.low < (small.high - small.low) / 5);
  });

  it('refuses impossible counts', () => {
    assert.throws(() => wilsonInterval(3, 2), RangeError);
    assert.throws(() => wilsonInterval(1.5, 2), RangeError);
  });
});
