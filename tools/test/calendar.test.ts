import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { query, startTestService, type TestService } from './support/test-service.js';

describe('calendar service', () => {
  let calendar: TestService;
  before(async () => {
    calendar = await startTestService('calendar');
  });
  after(() => calendar.close());

  it('adds events and lists a date sorted by time', async () => {
    const date = '2026-03-14';
    const added = [];
    for (const [title, time] of [
      ['Dentist', '15:30'],
      ['Stand-up', '09:00'],
      ['Lunch with Ana', '12:15'],
    ]) {
      const res = await calendar.send('POST', '/events', { title, date, time, request_id: `add-${title}` });
      assert.equal(res.status, 201);
      assert.deepEqual(Object.keys(res.body), ['event']);
      assert.equal(res.body.event.title, title);
      assert.equal(res.body.event.date, date);
      assert.equal(res.body.event.time, time);
      assert.equal(typeof res.body.event.id, 'string');
      added.push(res.body.event);
    }
    assert.equal(new Set(added.map((e) => e.id)).size, 3);
    const list = await calendar.get(`/events${query({ date })}`);
    assert.equal(list.status, 200);
    assert.equal(list.body.date, date);
    assert.deepEqual(
      list.body.events.map((e: { title: string }) => e.title),
      ['Stand-up', 'Lunch with Ana', 'Dentist'],
    );
    assert.deepEqual((await calendar.get(`/events${query({ date: '2026-03-15' })}`)).body, {
      date: '2026-03-15',
      total: 0,
      page: 1,
      per_page: 20,
      total_pages: 0,
      events: [],
    });
  });

  it('writes times as HH:MM and accepts leap days', async () => {
    const res = await calendar.send('POST', '/events', { title: 'Early run', date: '2028-02-29', time: '7:05' });
    assert.equal(res.status, 201);
    assert.equal(res.body.event.time, '07:05');
  });

  it('deletes the events of a date and counts them', async () => {
    const date = '2026-05-01';
    for (const time of ['10:00', '11:00']) await calendar.send('POST', '/events', { title: 'Meeting', date, time });
    const res = await calendar.send('DELETE', `/events${query({ date, request_id: 'del-1' })}`, undefined);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { date, deleted: 2 });
    assert.deepEqual((await calendar.get(`/events${query({ date })}`)).body.events, []);
    assert.deepEqual((await calendar.send('DELETE', `/events${query({ date: '2026-05-02' })}`, undefined)).body, {
      date: '2026-05-02',
      deleted: 0,
    });
  });

  it('refuses dates that are not real calendar dates', async () => {
    for (const date of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-00-10',
      '2026-04-31',
      '26-01-01',
      '2026/01/01',
      'tomorrow',
      '0000-01-01',
    ]) {
      for (const res of [
        await calendar.get(`/events${query({ date })}`),
        await calendar.send('POST', '/events', { title: 'x', date, time: '10:00' }),
        await calendar.send('DELETE', `/events${query({ date })}`, undefined),
      ]) {
        assert.equal(res.status, 400, date);
        assert.equal(res.body.field, 'date');
        assert.equal(res.body.error, 'date must be a real calendar date as YYYY-MM-DD');
      }
    }
  });

  it('refuses times that are not times of day', async () => {
    for (const time of ['25:00', '24:00', '12:60', '12', '12:5', 'noon', '-1:00', '12:00:00']) {
      const res = await calendar.send('POST', '/events', { title: 'x', date: '2026-01-01', time });
      assert.equal(res.status, 400, time);
      assert.equal(res.body.field, 'time');
      assert.match(res.body.error, /^time must be a time of day as HH:MM/);
    }
  });

  it('refuses missing and wrong-typed fields with a 400 naming the field', async () => {
    const good = { title: 'Review', date: '2026-01-01', time: '10:00', request_id: 'r' };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ ...good, title: undefined }, 'title', /^title is required$/],
      [{ ...good, title: '' }, 'title', /^title must not be empty$/],
      [{ ...good, title: 7 }, 'title', /^title must be a string$/],
      [{ ...good, title: 'x'.repeat(201) }, 'title', /^title must be at most 200 characters$/],
      [{ ...good, date: undefined }, 'date', /^date is required$/],
      [{ ...good, date: 20260101 }, 'date', /^date must be a string$/],
      [{ ...good, time: undefined }, 'time', /^time is required$/],
      [{ ...good, time: null }, 'time', /^time must be a string$/],
      [{ ...good, request_id: 5 }, 'request_id', /^request_id must be a string$/],
      [{ ...good, request_id: '' }, 'request_id', /^request_id must not be empty$/],
    ];
    for (const [body, field, message] of cases) {
      const res = await calendar.send('POST', '/events', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.field, field);
      assert.match(res.body.error, message);
    }
    const missing = await calendar.get('/events');
    assert.deepEqual(missing.body, { error: 'date is required', field: 'date' });
    assert.deepEqual((await calendar.get('/events?date=2026-01-01&date=2026-01-02')).body, {
      error: 'date must be given once',
      field: 'date',
    });
  });
});
