import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestService, type TestService } from './support/test-service.js';

describe('message service', () => {
  let message: TestService;
  before(async () => {
    message = await startTestService('message');
  });
  after(() => message.close());

  it('starts with a few received messages, newest first', async () => {
    const res = await message.get('/inbox');
    assert.equal(res.status, 200);
    assert.ok(res.body.total >= 3);
    assert.equal(res.body.messages.length, res.body.total);
    const times = res.body.messages.map((m: { sent_at: string }) => Date.parse(m.sent_at));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    for (const m of res.body.messages) {
      assert.deepEqual(Object.keys(m).sort(), ['body', 'from', 'id', 'sent_at', 'to']);
      assert.equal(m.to, 'me');
      assert.ok(Date.parse(m.sent_at) < Date.now());
    }
  });

  it('sends a message that then heads the inbox', async () => {
    const before = (await message.get('/inbox')).body.total;
    const sentAt = Date.now();
    const res = await message.send('POST', '/messages', {
      to: 'alice@example.com',
      body: 'See you at noon.',
      request_id: 'm-1',
    });
    assert.equal(res.status, 201);
    const sent = res.body.message;
    assert.equal(sent.from, 'me');
    assert.equal(sent.to, 'alice@example.com');
    assert.equal(sent.body, 'See you at noon.');
    assert.match(sent.sent_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Math.abs(Date.parse(sent.sent_at) - sentAt) < 5000);
    const inbox = (await message.get('/inbox')).body;
    assert.equal(inbox.total, before + 1);
    assert.deepEqual(inbox.messages[0], sent);
  });

  it('refuses missing, empty, wrong-typed and oversized fields with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ body: 'hi' }, 'to'],
      [{ to: '', body: 'hi' }, 'to'],
      [{ to: ['a'], body: 'hi' }, 'to'],
      [{ to: 'bob' }, 'body'],
      [{ to: 'bob', body: 12 }, 'body'],
      [{ to: 'bob', body: 'x'.repeat(5001) }, 'body'],
      [{ to: 'bob', body: 'hi', request_id: {} }, 'request_id'],
    ];
    for (const [body, field] of cases) {
      const res = await message.send('POST', '/messages', body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.equal(res.body.field, field);
      assert.ok(res.body.error.startsWith(`${field} `), res.body.error);
    }
  });
});
