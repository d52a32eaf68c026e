// The message and calendar stores keep their newest entries up to a cap, reads come one page at a
// time, and the book of idempotent writes is bounded too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { IDEMPOTENCY_CAPACITY } from '../src/server/idempotency.js';
import { MAX_STORED_EVENTS, EventStore } from '../src/services/calendar/store.js';
import { EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE } from '../src/services/calendar/index.js';
import { Mailbox, MAX_STORED_MESSAGES } from '../src/services/message/mailbox.js';
import { INBOX_PER_PAGE, MAX_INBOX_PER_PAGE } from '../src/services/message/index.js';
import { query, startTestService, type JsonResponse, type TestService } from './support/test-service.js';

/** Runs `count` requests, `width` at a time, and returns their answers in order. */
async function inBatches(
  count: number,
  request: (i: number) => Promise<JsonResponse>,
  width = 50,
): Promise<JsonResponse[]> {
  const answers: JsonResponse[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, k) => request(start + k));
    answers.push(...(await Promise.all(batch)));
  }
  return answers;
}

const ids = (list: Array<{ id: string }>) => list.map((m) => m.id);

describe('mailbox and event store bounds', () => {
  it('a full mailbox drops its oldest message, and ids are never reused', () => {
    const mailbox = new Mailbox(Date.parse('2026-01-01T00:00:00Z'), 5);
    assert.equal(mailbox.inbox().length, 4, 'the seeded messages');
    for (let i = 0; i < 3; i++) mailbox.send('bob', `hi ${i}`, Date.parse('2026-01-01T00:00:00Z') + i);
    const kept = mailbox.inbox();
    assert.equal(kept.length, 5);
    assert.deepEqual(
      ids(kept),
      ['msg_7', 'msg_6', 'msg_5', 'msg_4', 'msg_3'],
      'the two oldest seeded messages are gone',
    );
  });

  it(`keeps ${MAX_STORED_EVENTS} events by default: the oldest, whatever its date, goes first`, () => {
    const store = new EventStore();
    store.add({ title: 'first of all', date: '2026-08-01', time: '09:00' });
    for (let i = 0; i < MAX_STORED_EVENTS; i++) store.add({ title: `busy ${i}`, date: '2026-08-02', time: '10:00' });
    assert.deepEqual(store.eventsOn('2026-08-01'), []);
    assert.equal(store.eventsOn('2026-08-02').length, MAX_STORED_EVENTS);
    assert.equal(store.deleteOn('2026-08-02'), MAX_STORED_EVENTS);
    assert.equal(
      store.add({ title: 'fresh start', date: '2026-08-01', time: '09:00' }).id,
      `evt_${MAX_STORED_EVENTS + 2}`,
      'ids are never reused',
    );
  });

  it('a full calendar drops the oldest event over all dates, and deleted events leave room', () => {
    const store = new EventStore(3);
    store.add({ title: 'a', date: '2026-01-01', time: '09:00' });
    store.add({ title: 'b', date: '2026-01-02', time: '09:00' });
    store.add({ title: 'c', date: '2026-01-01', time: '08:00' });
    assert.equal(store.deleteOn('2026-01-02'), 1);
    store.add({ title: 'd', date: '2026-01-03', time: '10:00' });
    assert.deepEqual(
      store.eventsOn('2026-01-01').map((e) => e.title),
      ['c', 'a'],
      'nothing dropped while under the cap',
    );
    store.add({ title: 'e', date: '2026-01-03', time: '07:00' });
    assert.deepEqual(
      store.eventsOn('2026-01-01').map((e) => e.title),
      ['c'],
      'the oldest event (a) is dropped',
    );
    assert.deepEqual(
      store.eventsOn('2026-01-03').map((e) => [e.id, e.title]),
      [
        ['evt_5', 'e'],
        ['evt_4', 'd'],
      ],
    );
  });
});

describe('message service: bounded mailbox, paged inbox', () => {
  let message: TestService;
  before(async () => {
    // No access log: the flood below is a thousand requests on a shared machine.
    message = await startTestService('message', { LOG_LEVEL: 'warn' });
  });
  after(() => message.close());

  it('answers the inbox one page at a time, newest first, with totals', async () => {
    await inBatches(30, (i) => message.send('POST', '/messages', { to: 'bob', body: `note ${i}` }));
    const first = await message.get('/inbox');
    assert.equal(first.status, 200);
    assert.deepEqual(
      { ...first.body, messages: undefined },
      { total: 34, page: 1, per_page: INBOX_PER_PAGE, total_pages: 2, messages: undefined },
    );
    assert.equal(first.body.messages.length, INBOX_PER_PAGE);
    const all = (await message.get(`/inbox${query({ per_page: 100 })}`)).body.messages;
    assert.equal(all.length, 34);
    assert.deepEqual(first.body.messages, all.slice(0, INBOX_PER_PAGE));
    assert.deepEqual((await message.get(`/inbox${query({ page: 2 })}`)).body.messages, all.slice(INBOX_PER_PAGE));
    assert.deepEqual((await message.get(`/inbox${query({ page: 3, per_page: 5 })}`)).body.messages, all.slice(10, 15));
    const past = (await message.get(`/inbox${query({ page: 9 })}`)).body;
    assert.equal(past.total, 34);
    assert.deepEqual(past.messages, []);
  });

  it('refuses page sizes over the maximum and pages below 1 with a 400 naming the field', async () => {
    const cases: [Record<string, string | number>, string, string][] = [
      [{ per_page: MAX_INBOX_PER_PAGE + 1 }, 'per_page', `per_page must be an integer from 1 to ${MAX_INBOX_PER_PAGE}`],
      [{ per_page: 0 }, 'per_page', `per_page must be an integer from 1 to ${MAX_INBOX_PER_PAGE}`],
      [{ page: 0 }, 'page', 'page must be an integer from 1 to 100000'],
      [{ page: 'last' }, 'page', 'page must be an integer from 1 to 100000'],
    ];
    for (const [params, field, error] of cases) {
      const res = await message.get(`/inbox${query(params)}`);
      assert.equal(res.status, 400, JSON.stringify(params));
      assert.deepEqual(res.body, { error, field });
    }
  });

  it(`keeps the newest ${MAX_STORED_MESSAGES} messages, and forgets request ids ${IDEMPOTENCY_CAPACITY} writes old`, async () => {
    const oldest = await message.send('POST', '/messages', {
      to: 'carol',
      body: 'the oldest write',
      request_id: 'oldest',
    });
    assert.equal(oldest.status, 201);
    const sent = await inBatches(MAX_STORED_MESSAGES, (i) =>
      message.send('POST', '/messages', { to: 'bob', body: `flood ${i}`, request_id: `flood-${i}` }),
    );
    assert.ok(sent.every((r) => r.status === 201));
    const inbox = (await message.get(`/inbox${query({ per_page: MAX_INBOX_PER_PAGE })}`)).body;
    assert.equal(inbox.total, MAX_STORED_MESSAGES);
    assert.equal(inbox.total_pages, MAX_STORED_MESSAGES / MAX_INBOX_PER_PAGE);
    const newest = sent
      .map((r) => r.body.message.id)
      .sort((a: string, b: string) => Number(b.slice(4)) - Number(a.slice(4)))[0];
    assert.equal(inbox.messages[0].id, newest);
    const lastPage = (await message.get(`/inbox${query({ per_page: MAX_INBOX_PER_PAGE, page: inbox.total_pages })}`))
      .body.messages;
    assert.ok(!lastPage.some((m: { body: string }) => m.body === 'the oldest write'), 'the oldest message was dropped');

    const recent = await message.send('POST', '/messages', {
      to: 'bob',
      body: 'again',
      request_id: `flood-${MAX_STORED_MESSAGES - 1}`,
    });
    assert.equal(recent.body.duplicate, true, 'a recent id still has no second effect');
    const forgotten = await message.send('POST', '/messages', {
      to: 'carol',
      body: 'the oldest write',
      request_id: 'oldest',
    });
    assert.equal(forgotten.body.duplicate, undefined, 'an id older than the book is a new write');
    assert.notEqual(forgotten.body.message.id, oldest.body.message.id);
  });
});

describe('calendar service: bounded store, paged events', () => {
  let calendar: TestService;
  before(async () => {
    calendar = await startTestService('calendar');
  });
  after(() => calendar.close());

  it("answers a date's events one page at a time, sorted by time, with totals", async () => {
    const date = '2026-07-01';
    await inBatches(25, (i) =>
      calendar.send('POST', '/events', {
        title: `slot ${i}`,
        date,
        time: `${String(i % 24).padStart(2, '0')}:${String(i).padStart(2, '0')}`,
      }),
    );
    const first = (await calendar.get(`/events${query({ date })}`)).body;
    assert.deepEqual(
      { ...first, events: undefined },
      { date, total: 25, page: 1, per_page: EVENTS_PER_PAGE, total_pages: 2, events: undefined },
    );
    const all = (await calendar.get(`/events${query({ date, per_page: 100 })}`)).body.events;
    const times = all.map((e: { time: string }) => e.time);
    assert.deepEqual(times, [...times].sort());
    assert.deepEqual(first.events, all.slice(0, EVENTS_PER_PAGE));
    assert.deepEqual(
      (await calendar.get(`/events${query({ date, page: 2 })}`)).body.events,
      all.slice(EVENTS_PER_PAGE),
    );
    const tooBig = await calendar.get(`/events${query({ date, per_page: MAX_EVENTS_PER_PAGE + 1 })}`);
    assert.equal(tooBig.status, 400);
    assert.deepEqual(tooBig.body, {
      error: `per_page must be an integer from 1 to ${MAX_EVENTS_PER_PAGE}`,
      field: 'per_page',
    });
  });
});
