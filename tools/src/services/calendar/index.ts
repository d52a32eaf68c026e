/**
 * The calendar service: `GET /events?date=&page=&per_page=` (one page of a date's
 * events), `POST /events {title, date, time, request_id}` and `DELETE /events?date=&request_id=`; both
 * writes are idempotent by `request_id`. The calendar keeps the newest `MAX_STORED_EVENTS` (store.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import { pageFields, pageOf } from '../../server/paging.js';
import { writeRequest } from '../../server/idempotency.js';
import { parseInput, requestIdField, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { calendarDate, timeOfDay } from './fields.js';
import { calendarIdentity, EventStore } from './store.js';

/** Longest event title, in characters. */
export const MAX_TITLE_CHARS = 200;
/** Events per page of a date when none is asked for. */
export const EVENTS_PER_PAGE = 20;
/** Most events one page may hold. */
export const MAX_EVENTS_PER_PAGE = 100;

const dateQuery = z.object({ date: calendarDate, ...pageFields(EVENTS_PER_PAGE, MAX_EVENTS_PER_PAGE) });
const addBody = z.object({
  title: requiredText(MAX_TITLE_CHARS),
  date: calendarDate,
  time: timeOfDay,
  request_id: requestIdField,
});
const deleteQuery = z.object({ date: calendarDate, request_id: requestIdField });

/** A calendar of events by date, starting empty. */
export const calendarService: ToolService = {
  name: 'calendar',
  routes({ idempotency }) {
    const store = new EventStore();
    const router = Router();
    router.get('/events', (req, res) => {
      const { date, ...paging } = parseInput(dateQuery, req.query, 'query');
      const { info, items } = pageOf(store.eventsOn(date), paging);
      res.json({ date, ...info, events: items });
    });
    router.post('/events', (req, res) => {
      const { request_id, ...event } = parseInput(addBody, req.body, 'body');
      const write = writeRequest(req, 'POST /events', request_id, calendarIdentity.addEvent(event));
      const answer = idempotency.run(write, () => {
        const added = store.add(event);
        return { answer: { status: 201, body: { event: added } }, record: added.id };
      });
      res.status(answer.status).json(answer.body);
    });
    router.delete('/events', (req, res) => {
      const { date, request_id } = parseInput(deleteQuery, req.query, 'query');
      const write = writeRequest(req, 'DELETE /events', request_id, calendarIdentity.deleteEvents(date));
      const answer = idempotency.run(write, () => ({
        answer: { status: 200, body: { date, deleted: store.deleteOn(date) } },
        record: null,
      }));
      res.status(answer.status).json(answer.body);
    });
    return router;
  },
};
