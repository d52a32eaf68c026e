// ddmin against stand-in tests (no lab): one culprit among many, a pair that fails only together,
// each subset tested once; and the rules of a breaking-point step (majority, Wilson).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ddmin, parseCheckExpression, split, stepFailed, wilsonInterval } from '../src/index.js';

describe('ddmin', () => {
  it('finds the one culprit among eight units', async () => {
    const seen: string[] = [];
    const { minimal, tests } = await ddmin([1, 2, 3, 4, 5, 6, 7, 8], async (s) => {
      seen.push(s.join(','));
      return s.includes(6);
    });
    assert.deepEqual(minimal, [6]);
    assert.equal(new Set(seen).size, seen.length, 'each subset tested once');
    assert.equal(tests, seen.length);
  });

  it('keeps a pair that fails only together (1-minimal: removing either makes it pass)', async () => {
    const { minimal } = await ddmin(['a', 'b', 'c', 'd', 'e'], async (s) => s.includes('b') && s.includes('e'));
    assert.deepEqual(minimal, ['b', 'e']);
  });

  it('three faults, the last one the culprit: five tests at most', async () => {
    const { minimal, tests } = await ddmin(['slow-search', 'weather-500', 'dead-calculator'], async (s) =>
      s.includes('dead-calculator'),
    );
    assert.deepEqual(minimal, ['dead-calculator']);
    assert.ok(tests <= 5, String(tests));
  });

  it('splits into near-equal chunks in order', () => {
    assert.deepEqual(split([1, 2, 3, 4, 5], 2), [
      [1, 2],
      [3, 4, 5],
    ]);
    assert.deepEqual(split([1, 2, 3], 3), [[1], [2], [3]]);
  });
});

describe('step rules', () => {
  it('majority: more than half of the runs deviated; a tie holds', () => {
    const run = (outcome: 'held' | 'deviated') => ({ outcome, correct: 0, checked: 0 });
    assert.equal(stepFailed('majority', [run('deviated'), run('deviated'), run('held')], 0.8).failed, true);
    assert.equal(stepFailed('majority', [run('deviated'), run('held')], 0.8).failed, false);
  });

  it('wilson: fails only when the whole 95 % interval of the pooled success rate is below the bound', () => {
    // Wilson (1927): 8 of 10 → [0.490, 0.943].
    const w = wilsonInterval(8, 10);
    assert.ok(Math.abs(w.low - 0.49) < 0.001 && Math.abs(w.high - 0.943) < 0.001, JSON.stringify(w));
    assert.deepEqual(wilsonInterval(0, 0), { low: 0, high: 1 });
    const runs = (correct: number, checked: number) => [{ outcome: 'deviated' as const, correct, checked }];
    assert.equal(stepFailed('wilson', runs(0, 4), 0.8).failed, true);
    assert.equal(stepFailed('wilson', runs(2, 4), 0.8).failed, false, 'too few prompts to be sure');
  });

  it('parses a check expression, and names the option and the value when it cannot', () => {
    assert.deepEqual(parseCheckExpression('prompt_success_rate >= 0.8'), {
      metric: 'prompt_success_rate',
      atLeast: 0.8,
      on: 'all',
    });
    assert.deepEqual(parseCheckExpression('prompts_failed=0'), { metric: 'prompts_failed', equals: 0, on: 'all' });
    assert.throws(() => parseCheckExpression('success > 1'), /--check "success > 1": must be METRIC >= N/);
    assert.throws(() => parseCheckExpression('nope >= 1'), /unknown metric nope/);
  });
});
