// The idempotency key a write sends: the call's id for per-call and per-attempt; for per-write one key
// per run, prompt, tool and arguments (texts compared as the services compare them), the same in every
// attempt of the prompt.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { idempotencyKey, type KeyedCall } from '../src/tool-calls/idempotency-key.js';

const call = (over: Partial<KeyedCall> = {}): KeyedCall => ({
  runId: 'run-1',
  promptIndex: 3,
  callId: 'run-1/p3/a1/c1',
  tool: 'send_message',
  args: { to: 'Alice', body: 'The deploy went fine' },
  ...over,
});

describe('idempotency keys', () => {
  it('per-call and per-attempt start from the logical call id', () => {
    assert.equal(idempotencyKey('per-call', call()), 'run-1/p3/a1/c1');
    assert.equal(idempotencyKey('per-attempt', call()), 'run-1/p3/a1/c1');
  });

  it('per-write survives a prompt retry and tells different writes apart', () => {
    const key = idempotencyKey('per-write', call());
    assert.match(key, /^run-1\/p3\/w[0-9a-f]{32}$/);
    assert.equal(idempotencyKey('per-write', call({ callId: 'run-1/p3/a2/c2' })), key, 'the retry of the prompt');
    assert.equal(
      idempotencyKey('per-write', call({ args: { body: 'the  deploy went fine ', to: 'alice' } })),
      key,
      'case, white space and argument order aside',
    );
    for (const other of [
      call({ promptIndex: 4 }),
      call({ runId: 'run-2' }),
      call({ tool: 'add_event' }),
      call({ args: { to: 'Alice', body: 'The deploy went fine!' } }),
    ])
      assert.notEqual(idempotencyKey('per-write', other), key, JSON.stringify(other));
  });
});
