/**
 * The calendar service (TOOL_API.md): `GET /events?date=`, `POST /events {title, date, time,
 * request_id}` and `DELETE /events?date=&request_id=`; both writes are idempotent by `request_id`.
 */
import { Router } from 'express';
import { z } from 'zod';
import { parseInput, requestIdField, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { calendarDate, timeOfDay } from './fields.js';
import { EventStore } from './store.js';

/** Longest event title, in characters. */
export const MAX_TITLE_CHARS = 200;

const dateQuery = z.object({ date: calendarDate });
const addBody = z.object({ title: requiredText(MAX_TITLE_CHARS), date: calendarDate, time: timeOfDay, request_id: requestIdField });
const deleteQuery = z.object({ date: calendarDate, request_id: requestIdField });

/** A calendar of events by date, starting empty. */
export const calendarService: ToolService = {
  name: 'calendar',
  routes({ idempotency }) {
    const store = new EventStore();
    const router = Router();
    router.get('/events', (req, res) => {
      const { date } = parseInput(dateQuery, req.query, 'query');
      res.json({ date, events: store.eventsOn(date) });
    });
    router.post('/events', (req, res) => {
      const { request_id, ...event } = parseInput(addBody, req.body, 'body');
      const answer = idempotency.run('POST /events', request_id, () => ({ status: 201, body: { event: store.add(event) } }));
      res.status(answer.status).json(answer.body);
    });
    router.delete('/events', (req, res) => {
      const { date, request_id } = parseInput(deleteQuery, req.query, 'query');
      const answer = idempotency.run('DELETE /events', request_id, () => ({ status: 200, body: { date, deleted: store.deleteOn(date) } }));
      res.status(answer.status).json(answer.body);
    });
    return router;
  },
};
