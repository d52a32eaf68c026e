/**
 * The message service (TOOL_API.md): `POST /messages {to, body, request_id}` sends a message
 * (idempotent by `request_id`); `GET /inbox` lists seeded and sent messages, newest first.
 */
import { Router } from 'express';
import { z } from 'zod';
import { parseInput, requestIdField, requiredText } from '../../server/validation.js';
import type { ToolService } from '../../service.js';
import { Mailbox } from './mailbox.js';

/** Longest recipient, in characters. */
export const MAX_RECIPIENT_CHARS = 200;
/** Longest message body, in characters. */
export const MAX_BODY_CHARS = 5000;

const sendBody = z.object({ to: requiredText(MAX_RECIPIENT_CHARS), body: requiredText(MAX_BODY_CHARS), request_id: requestIdField });

/** A mailbox for the lab's one user. */
export const messageService: ToolService = {
  name: 'message',
  routes({ idempotency, now }) {
    const mailbox = new Mailbox(now());
    const router = Router();
    router.post('/messages', (req, res) => {
      const { to, body, request_id } = parseInput(sendBody, req.body, 'body');
      const answer = idempotency.run('POST /messages', request_id, () => ({ status: 201, body: { message: mailbox.send(to, body, now()) } }));
      res.status(answer.status).json(answer.body);
    });
    router.get('/inbox', (_req, res) => {
      const messages = mailbox.inbox();
      res.json({ total: messages.length, messages });
    });
    return router;
  },
};
