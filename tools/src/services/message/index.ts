/**
 * The message service: `POST /messages {to, body, request_id}` sends a message
 * (idempotent by `request_id`); `GET /inbox?page=&per_page=` lists seeded and sent messages, newest
 * first, one page at a time. The mailbox keeps the newest `MAX_STORED_MESSAGES` (mailbox.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import { pageFields, pageOf } from '../../server/paging.js';
import { writeRequest } from '../../server/idempotency.js';
import { parseInput, requestIdField, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { Mailbox, messageIdentity } from './mailbox.js';

/** Longest recipient, in characters. */
export const MAX_RECIPIENT_CHARS = 200;
/** Longest message body, in characters. */
export const MAX_BODY_CHARS = 5000;
/** Messages per page of the inbox when none is asked for. */
export const INBOX_PER_PAGE = 20;
/** Most messages one page of the inbox may hold (about 0.5 MB with the longest fields). */
export const MAX_INBOX_PER_PAGE = 100;

const sendBody = z.object({
  to: requiredText(MAX_RECIPIENT_CHARS),
  body: requiredText(MAX_BODY_CHARS),
  request_id: requestIdField,
});
const inboxQuery = z.object(pageFields(INBOX_PER_PAGE, MAX_INBOX_PER_PAGE));

/** A mailbox for the lab's one user. */
export const messageService: ToolService = {
  name: 'message',
  routes({ idempotency, now }) {
    const mailbox = new Mailbox(now());
    const router = Router();
    router.post('/messages', (req, res) => {
      const { to, body, request_id } = parseInput(sendBody, req.body, 'body');
      const write = writeRequest(req, 'POST /messages', request_id, messageIdentity(to, body));
      const answer = idempotency.run(write, () => {
        const message = mailbox.send(to, body, now());
        return { answer: { status: 201, body: { message } }, record: message.id };
      });
      res.status(answer.status).json(answer.body);
    });
    router.get('/inbox', (req, res) => {
      const { info, items } = pageOf(mailbox.inbox(), parseInput(inboxQuery, req.query, 'query'));
      res.json({ ...info, messages: items });
    });
    return router;
  },
};
