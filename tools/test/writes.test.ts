// GET /writes: the writes that took effect, by idempotency key, so the experiment runner can count a
// logical call written twice; a repeat answered from the idempotency book is not a write.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestService } from './support/test-service.js';

describe('GET /writes', () => {
  it('lists each write that took effect with its request_id, repeats left out', async () => {
    const message = await startTestService('message');
    try {
      assert.deepEqual((await message.get('/writes')).body, { service: 'message', writes: [] });
      const send = { to: 'Ann', body: 'hi', request_id: 'c1' };
      await message.send('POST', '/messages', send);
      await message.send('POST', '/messages', send);
      await message.send('POST', '/messages', { ...send, request_id: 'c1#2' });
      await message.send('POST', '/messages', { to: 'Ann', body: 'no key' });
      assert.deepEqual((await message.get('/writes')).body.writes, [
        { scope: 'POST /messages', request_id: 'c1' },
        { scope: 'POST /messages', request_id: 'c1#2' },
        { scope: 'POST /messages', request_id: null },
      ]);
    } finally {
      await message.close();
    }
  });
});
