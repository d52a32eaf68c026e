// Checks against absolute and baseline-relative tolerances, percentiles, JUnit XML.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateCheck, junitXml, percentile, type Check } from '../src/index.js';

const check = (c: Partial<Check>): Check => ({ metric: 'prompt_p95_ms', on: 'all', ...c }) as Check;

describe('checks', () => {
  it('hold or deviate against an absolute bound', () => {
    assert.equal(evaluateCheck(check({ atMost: 1000 }), 0, 999, undefined).outcome, 'held');
    assert.equal(evaluateCheck(check({ atMost: 1000 }), 0, 1001, undefined).outcome, 'deviated');
    assert.equal(
      evaluateCheck(check({ atLeast: 0.9, metric: 'prompt_success_rate' }), 0, 0.9, undefined).outcome,
      'held',
    );
    assert.equal(evaluateCheck(check({ equals: 0, metric: 'duplicate_side_effects' }), 0, 1, null).outcome, 'deviated');
  });

  it('compare with factor × baseline on a variant and are skipped on the baseline itself', () => {
    const relative = check({ atMost: { baseline: 1.5 } });
    const held = evaluateCheck(relative, 2, 1400, 1000);
    assert.equal(held.outcome, 'held');
    assert.equal(held.bound, 1500);
    assert.equal(held.tolerance, '≤ 1.5 × baseline (1500)');
    assert.equal(evaluateCheck(relative, 2, 1600, 1000).outcome, 'deviated');
    assert.equal(evaluateCheck(relative, 2, 1000, undefined).outcome, 'skipped');
    const noBaseline = evaluateCheck(relative, 2, 1000, null);
    assert.equal(noBaseline.outcome, 'deviated');
    assert.equal(noBaseline.reason, 'the baseline has no value for this metric');
  });

  it('deviate when the run has no value, and skip a fault the run does not have', () => {
    assert.equal(
      evaluateCheck(check({ atLeast: 0.5, metric: 'prompt_success_rate' }), 0, null, undefined).outcome,
      'deviated',
    );
    assert.equal(
      evaluateCheck(check({ atLeast: 1, metric: 'faults_fired', fault: 'f' }), 0, 0, 0, false).outcome,
      'skipped',
    );
    const onVariants = check({ atLeast: 2, metric: 'retries', on: 'variants' });
    assert.equal(evaluateCheck(onVariants, 0, 0, undefined).reason, 'checked on the variants only');
    assert.equal(evaluateCheck(onVariants, 0, 3, 0).outcome, 'held');
  });

  it('percentiles are nearest-rank', () => {
    assert.equal(percentile([], 50), null);
    assert.equal(percentile([1, 2, 3, 4], 50), 2);
    assert.equal(percentile([1, 2, 3, 4], 95), 4);
    assert.equal(
      percentile(
        Array.from({ length: 20 }, (_, i) => i + 1),
        95,
      ),
      19,
    );
  });

  it('JUnit XML: one suite per run, a deviated check is a failure, a skipped one skipped, a failed run an error', () => {
    const held = evaluateCheck(check({ atMost: 1000 }), 0, 10, undefined);
    const deviated = evaluateCheck(check({ atMost: 1 }), 1, 10, undefined);
    const xml = junitXml('t & co', [
      { variant: 'baseline', runId: 'r1', durationMs: 1500, checks: [held, deviated] },
      { variant: 'v', runId: null, durationMs: 10, checks: [], error: 'the lab run exited with code 1' },
    ]);
    assert.match(xml, /<testsuites name="t &amp; co" tests="3" failures="1">/);
    assert.match(xml, /<testsuite name="baseline" tests="2" failures="1" skipped="0" errors="0" time="1.500" id="r1">/);
    assert.match(xml, /<failure message="deviated/);
    assert.match(xml, /<error message="the lab run exited with code 1"\/>/);
  });
});
