/** The contract's request id (common/src/record/request-id.ts): the prefix the lab hands out reads back. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { callOfRequest, promptAttemptOfRequestId, requestIdPrefix } from '../src/index.js';

describe('the request id of a prompt attempt', () => {
  it('a prefix reads back as its run, prompt and attempt, whatever follows it', () => {
    const prefix = requestIdPrefix('run-2026-01-02T03-04-05Z', 12, 3);
    assert.equal(prefix, 'run-2026-01-02T03-04-05Z/p12/a3/');
    for (const own of ['m1#2', 'c4#1', 'anything/else', ''])
      assert.deepEqual(promptAttemptOfRequestId(prefix + own), {
        runId: 'run-2026-01-02T03-04-05Z',
        promptIndex: 12,
        promptAttempt: 3,
      });
  });

  it('an id without the prefix names no attempt', () => {
    for (const id of ['model-ab12#1', '0f9e-uuid', 'run/p1/a1', 'run/p1/a0/m1#1', '/p1/a1/m1', 'run/px/a1/m1'])
      assert.equal(promptAttemptOfRequestId(id), undefined, id);
  });

  it('the first prefix counts when the agent repeats one in its own part', () => {
    assert.deepEqual(promptAttemptOfRequestId('r/p1/a2/r/p9/a9/m1'), { runId: 'r', promptIndex: 1, promptAttempt: 2 });
  });

  it('the call of a prefixed id keeps the prefix (unique in the run); `#<n>` is its attempt', () => {
    assert.deepEqual(callOfRequest('run-1/p2/a1/c3#2'), { callId: 'run-1/p2/a1/c3', attempt: 2 });
    assert.deepEqual(callOfRequest('run-1/p2/a1/c3'), { callId: 'run-1/p2/a1/c3', attempt: 1 });
  });
});
