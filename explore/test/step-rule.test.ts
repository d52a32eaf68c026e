// The verdict of a breaking-point step: the rule (majority, Wilson) says whether the check failed, and
// the guard band on the attempt times observed says whether a step that did not fail held by a margin:
// attempts of 934–976 ms against PROXY_TIMEOUT_MS=1000 (a real SQLite record, written by the agent's
// own record writer) make a step too close to call, never "held", whatever the fault's attribute was.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { RunRecords } from '@chaos-lab/agent/records';
import { openDatabase } from '@chaos-lab/common';
import { makeTempDir } from '@chaos-lab/common/testing';
import { attemptTimes, judgeStep, stepFailed, summaryLine, type StepRecord } from '../src/index.js';

const tmp = makeTempDir('explore-step-');
after(() => tmp.cleanup());

const held = { outcome: 'held' as const, correct: 3, checked: 3 };
const timing = (attemptP95Ms: number | null) => ({ attemptP95Ms, attempts: 6, timeoutMs: 1000, guardMs: 100 });

/** Records one run whose attempts on `service` (through the proxy) and on search (direct) took these ms. */
function recordAttempts(db: ReturnType<typeof openDatabase>, runId: string, service: string, durations: number[]) {
  const t0 = Date.UTC(2026, 0, 15);
  const records = new RunRecords(db, runId, () => t0);
  records.start({ seed: 1, settings: {}, promptsTotal: 1, model: 'offline' });
  durations.forEach((durationMs, i) => {
    records.addToolCall({
      promptIndex: 0,
      promptAttempt: 1,
      callId: `${runId}-c${i}`,
      tool: 'get_weather',
      service,
      attempt: 1,
      via: 'proxy',
      outcome: 'ok',
      httpStatus: 200,
      startedAt: t0 + i * 1000,
      durationMs,
      error: null,
    });
  });
  // A direct fallback is bounded by its own timeout: not one of the step's attempt times.
  records.addToolCall({
    promptIndex: 0,
    promptAttempt: 1,
    callId: `${runId}-direct`,
    tool: 'get_weather',
    service,
    attempt: 2,
    via: 'direct',
    outcome: 'ok',
    httpStatus: 200,
    startedAt: t0,
    durationMs: 5000,
    error: null,
  });
}

describe('step rules', () => {
  it('majority: more than half of the runs deviated; a tie holds', () => {
    const run = (outcome: 'held' | 'deviated') => ({ outcome, correct: 0, checked: 0 });
    assert.equal(stepFailed('majority', [run('deviated'), run('deviated'), run('held')], 0.8).failed, true);
    assert.equal(stepFailed('majority', [run('deviated'), run('held')], 0.8).failed, false);
  });

  it('wilson: fails only when the whole 95 % interval of the pooled success rate is below the bound', () => {
    const runs = (correct: number, checked: number) => [{ outcome: 'deviated' as const, correct, checked }];
    assert.equal(stepFailed('wilson', runs(0, 4), 0.8).failed, true);
    assert.equal(stepFailed('wilson', runs(2, 4), 0.8).failed, false, 'too few prompts to be sure');
    assert.match(
      stepFailed('wilson', runs(8, 10), 0.8).why,
      /^8\/10 correct, 95 % Wilson \[0\.49, 0\.94\] reaches 0\.8$/,
    );
    assert.equal(stepFailed('wilson', runs(0, 0), 0.8).failed, false, 'nothing checked: nothing known');
  });

  it('does not call a step held when the p95 of its attempt times is within the guard band of the timeout', () => {
    const db = openDatabase(join(tmp.path, 'lab.db'));
    try {
      recordAttempts(db, 'near-1', 'weather', [934, 941, 950]);
      recordAttempts(db, 'near-2', 'weather', [948, 960, 976]);
      recordAttempts(db, 'other', 'search', [10, 10, 10]);
      const near = attemptTimes(db, ['near-1', 'near-2'], 'weather');
      assert.deepEqual(near, { attemptP95Ms: 976, attempts: 6 }, 'proxy attempts of the target only');
      const step = judgeStep('majority', [held, held], 0.8, { ...near, timeoutMs: 1000, guardMs: 100 });
      assert.equal(step.verdict, 'too_close');
      assert.match(
        step.why,
        /^0 of 2 run\(s\) deviated, but attempt p95 976 ms of 6 ≥ 900 ms, within 100 ms of PROXY_TIMEOUT_MS=1000: held by the machine's timing$/,
      );
      assert.deepEqual(attemptTimes(db, ['none'], 'weather'), { attemptP95Ms: null, attempts: 0 });
    } finally {
      db.close();
    }
  });

  it('holds by a margin, fails as the rule says, and with the guard off trusts the rule alone', () => {
    assert.equal(judgeStep('majority', [held], 0.8, timing(899)).verdict, 'held');
    assert.match(judgeStep('majority', [held], 0.8, timing(899)).why, /attempt p95 899 ms of 6 < 900 ms$/);
    assert.equal(judgeStep('majority', [held], 0.8, timing(900)).verdict, 'too_close', 'the edge is inside');
    const deviated = { outcome: 'deviated' as const, correct: 0, checked: 3 };
    assert.equal(judgeStep('majority', [deviated], 0.8, timing(400)).verdict, 'failed');
    assert.equal(judgeStep('majority', [held], 0.8, { ...timing(990), guardMs: 0 }).verdict, 'held');
    assert.equal(judgeStep('majority', [held], 0.8, timing(null)).verdict, 'held', 'no attempt on the target');
  });

  it('names a first value too close to call as such in the answer, never as a failure', () => {
    const step = (value: number, verdict: StepRecord['verdict']): StepRecord => ({
      value,
      failed: verdict === 'failed',
      verdict,
      attemptP95Ms: null,
      why: '',
      runs: [],
    });
    const base = {
      attribute: 'latency',
      target: 'weather',
      unit: 'ms',
      from: 0,
      to: 2000,
      checkText: 'prompt_success_rate >= 0.8',
    };
    assert.equal(
      summaryLine({
        ...base,
        status: 'found',
        lastPass: 500,
        firstFail: 850,
        steps: [step(1000, 'failed'), step(500, 'held'), step(850, 'too_close')],
      }),
      "breaking point: latency on weather between 500 ms (held) and 850 ms (too close to call: prompt_success_rate >= 0.8 held, with the attempts' p95 within the guard band of the timeout)",
    );
    assert.equal(
      summaryLine({
        ...base,
        status: 'found',
        lastPass: 500,
        firstFail: 1000,
        steps: [step(1000, 'failed'), step(500, 'held')],
      }),
      'breaking point: latency on weather between 500 ms (held) and 1000 ms (failed prompt_success_rate >= 0.8)',
    );
  });
});
