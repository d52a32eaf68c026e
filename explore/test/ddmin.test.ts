// ddmin against stand-in tests (no lab): one culprit among many, a pair that fails only together,
// each subset tested once; and the check expression of a breaking-point search (its step rules:
// step-rule.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ddmin, parseCheckExpression, split } from '../src/index.js';

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

describe('check expressions', () => {
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
