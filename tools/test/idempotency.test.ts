import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTestService } from './support/test-service.js';

describe('idempotent writes by request_id', () => {
  it('adds a calendar event once per request_id and returns the first answer marked duplicate', async () => {
    const calendar = await startTestService('calendar');
    try {
      const event = { title: 'Standup', date: '2026-06-01', time: '09:30', request_id: 'add-1' };
      const first = await calendar.send('POST', '/events', event);
      assert.equal(first.status, 201);
      assert.equal(first.body.duplicate, undefined);
      const again = await calendar.send('POST', '/events', event);
      assert.equal(again.status, 201);
      assert.deepEqual(again.body, { ...first.body, duplicate: true });
      const changed = await calendar.send('POST', '/events', { ...event, title: 'Something else' });
      assert.deepEqual(
        changed.body,
        { ...first.body, duplicate: true },
        'a reused id has no second effect, whatever the body',
      );
      assert.equal((await calendar.get('/events?date=2026-06-01')).body.events.length, 1);

      await calendar.send('POST', '/events', { ...event, request_id: 'add-2' });
      const { request_id: _, ...noId } = event;
      await calendar.send('POST', '/events', noId);
      await calendar.send('POST', '/events', noId);
      assert.equal(
        (await calendar.get('/events?date=2026-06-01')).body.events.length,
        4,
        'new ids and writes without an id all take effect',
      );
    } finally {
      await calendar.close();
    }
  });

  it('deletes once per request_id: a repeat does not delete events added since', async () => {
    const calendar = await startTestService('calendar');
    try {
      const date = '2026-06-02';
      await calendar.send('POST', '/events', { title: 'A', date, time: '10:00' });
      const first = await calendar.send('DELETE', `/events?date=${date}&request_id=del-1`, undefined);
      assert.deepEqual(first.body, { date, deleted: 1 });
      await calendar.send('POST', '/events', { title: 'B', date, time: '11:00' });
      const again = await calendar.send('DELETE', `/events?date=${date}&request_id=del-1`, undefined);
      assert.deepEqual(again.body, { date, deleted: 1, duplicate: true });
      assert.equal((await calendar.get(`/events?date=${date}`)).body.events.length, 1);
    } finally {
      await calendar.close();
    }
  });

  it('records an id only once its write succeeded', async () => {
    const calendar = await startTestService('calendar');
    try {
      const refused = await calendar.send('POST', '/events', {
        title: 'Call',
        date: '2026-02-30',
        time: '10:00',
        request_id: 'fix-me',
      });
      assert.equal(refused.status, 400);
      const fixed = await calendar.send('POST', '/events', {
        title: 'Call',
        date: '2026-02-28',
        time: '10:00',
        request_id: 'fix-me',
      });
      assert.equal(fixed.status, 201);
      assert.equal(fixed.body.duplicate, undefined);
    } finally {
      await calendar.close();
    }
  });

  it('retries through simulated failures until one write takes effect, then only duplicates', async () => {
    const calendar = await startTestService('calendar', { ERROR_PROB: '0.5', CHAOS_SEED: '3' });
    try {
      const event = { title: 'Retry me', date: '2026-06-03', time: '08:00', request_id: 'retry-1' };
      const statuses: number[] = [];
      const bodies: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        const res = await calendar.send('POST', '/events', event);
        statuses.push(res.status);
        if (res.status === 201) bodies.push(res.body);
      }
      assert.ok(statuses.includes(503) && statuses.includes(201), `statuses ${statuses.join(',')}`);
      const [first, ...repeats] = bodies as { duplicate?: boolean }[];
      assert.equal(first?.duplicate, undefined);
      assert.ok(repeats.length > 0 && repeats.every((b) => b.duplicate === true));
      let events: unknown[] | undefined;
      while (events === undefined) {
        const res = await calendar.get('/events?date=2026-06-03');
        if (res.status === 200) events = res.body.events;
      }
      assert.equal(events.length, 1);
    } finally {
      await calendar.close();
    }
  });

  it('sends a message once per request_id', async () => {
    const message = await startTestService('message');
    try {
      const before = (await message.get('/inbox')).body.total;
      const first = await message.send('POST', '/messages', { to: 'bob', body: 'hi', request_id: 'msg-1' });
      const again = await message.send('POST', '/messages', { to: 'bob', body: 'hi', request_id: 'msg-1' });
      assert.equal(again.status, 201);
      assert.deepEqual(again.body, { ...first.body, duplicate: true });
      assert.equal((await message.get('/inbox')).body.total, before + 1);
    } finally {
      await message.close();
    }
  });
});
