// GET /writes: the writes that took effect, each with what it wrote (its identity, by the service's
// rule), the record it made and the request's X-Request-Id, so the experiment runner can count the
// same write taking effect twice whatever key produced it; a repeat answered from the idempotency book
// is not a write. The identities agree with the service's own store: two messages in the inbox with
// the same recipient and body (case and white space aside) share one identity.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestService, type TestService } from './support/test-service.js';

/** POSTs `body` to `path` with an `X-Request-Id`. */
async function post(service: TestService, path: string, body: unknown, xRequestId: string) {
  const res = await fetch(`${service.service.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': xRequestId },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe('GET /writes', () => {
  it('lists each write that took effect with its keys, identity and record; repeats left out', async () => {
    const message = await startTestService('message');
    try {
      assert.deepEqual((await message.get('/writes')).body, { service: 'message', writes: [] });
      const send = { to: 'Ann', body: 'hi', request_id: 'c1' };
      await post(message, '/messages', send, 'r/p0/a1/c1#1');
      const repeat = await post(message, '/messages', send, 'r/p0/a1/c1#2');
      assert.equal(repeat.duplicate, true);
      await post(message, '/messages', { ...send, request_id: 'c1#2' }, 'r/p0/a1/c1#3');
      await message.send('POST', '/messages', { to: 'Ann', body: 'no key' });
      const { writes } = (await message.get('/writes')).body;
      assert.deepEqual(
        writes.map((w: Record<string, unknown>) => [w.scope, w.request_id, w.x_request_id, w.record]),
        [
          ['POST /messages', 'c1', 'r/p0/a1/c1#1', 'msg_5'],
          ['POST /messages', 'c1#2', 'r/p0/a1/c1#3', 'msg_6'],
          ['POST /messages', null, null, 'msg_7'],
        ],
      );
      assert.equal(writes[0].identity, writes[1].identity, 'the same message under two keys: one identity');
      assert.notEqual(writes[0].identity, writes[2].identity);
      assert.ok(writes.every((w: { written_at: number }) => Math.abs(w.written_at - Date.now()) < 60_000));
    } finally {
      await message.close();
    }
  });

  it('message identities follow the inbox: same recipient and body (case, white space aside) are one message written twice', async () => {
    const message = await startTestService('message');
    try {
      await post(message, '/messages', { to: 'Alice', body: 'The deploy went fine', request_id: 'k1' }, 'x1');
      await post(message, '/messages', { to: 'alice', body: 'the  deploy went fine ', request_id: 'k2' }, 'x2');
      await post(message, '/messages', { to: 'Alice', body: 'The deploy went fine!', request_id: 'k3' }, 'x3');
      const { writes } = (await message.get('/writes')).body as { writes: { identity: string; record: string }[] };
      const inbox = (await message.get('/inbox')).body.messages as { id: string; to: string; body: string }[];
      const sent = (id: string) => inbox.find((m) => m.id === id)!;
      assert.equal(writes[0]!.identity, writes[1]!.identity);
      assert.equal(sent(writes[0]!.record).body, 'The deploy went fine');
      assert.equal(sent(writes[1]!.record).body, 'the  deploy went fine');
      assert.notEqual(writes[0]!.identity, writes[2]!.identity, 'a different text is a different message');
    } finally {
      await message.close();
    }
  });

  it('calendar: add_event by title (normalised), date and time; delete_events by date', async () => {
    const calendar = await startTestService('calendar');
    try {
      const event = { title: 'Team Meeting', date: '2026-06-02', time: '14:00' };
      await post(calendar, '/events', { ...event, request_id: 'e1' }, 'x1');
      await post(calendar, '/events', { ...event, title: 'team meeting', time: '14:00', request_id: 'e2' }, 'x2');
      await post(calendar, '/events', { ...event, time: '15:00', request_id: 'e3' }, 'x3');
      await fetch(`${calendar.service.url}/events?date=2026-06-02&request_id=d1`, { method: 'DELETE' });
      const { writes } = (await calendar.get('/writes')).body as {
        writes: { scope: string; identity: string; record: string | null }[];
      };
      assert.deepEqual(
        writes.map((w) => [w.scope, w.record]),
        [
          ['POST /events', 'evt_1'],
          ['POST /events', 'evt_2'],
          ['POST /events', 'evt_3'],
          ['DELETE /events', null],
        ],
      );
      assert.equal(writes[0]!.identity, writes[1]!.identity);
      assert.notEqual(writes[0]!.identity, writes[2]!.identity, 'another time is another event');
    } finally {
      await calendar.close();
    }
  });
});
