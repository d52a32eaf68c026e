/**
 * The body of `POST /calls`: `{ runId, promptIndex, tool, callId, attempt }`, checked with zod; a bad
 * one is a 400 naming the field. An agent that reports its attempts' ends adds `holdMaxMs` (how long
 * it agrees to be held before the acknowledgement, at most {@link HOLD_MAX_MS_LIMIT}) and, after the
 * attempt, posts the same fields with `ended: { sent, more }` (see `schedule/attempt-holds.ts`).
 */
import { z } from 'zod';
import type { Announcement } from '../schedule/fault-schedule.js';

/** The longest hold an announcement may ask for, ms (10 minutes). */
export const HOLD_MAX_MS_LIMIT = 600_000;

const announcementSchema = z.strictObject({
  runId: z.string().min(1).max(200),
  promptIndex: z.number().int().min(0),
  tool: z.string().min(1).max(100),
  callId: z.string().min(1).max(500),
  attempt: z.number().int().min(1),
  holdMaxMs: z.number().int().min(0).max(HOLD_MAX_MS_LIMIT).optional(),
  ended: z.strictObject({ sent: z.boolean(), more: z.boolean() }).optional(),
});

/** Checks an announcement body; returns it, or one line naming what is wrong. */
export function parseAnnouncement(body: unknown): { announcement: Announcement } | { error: string } {
  const parsed = announcementSchema.safeParse(body ?? {});
  if (parsed.success) return { announcement: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { error: `${issue.path.join('.') || 'body'}: ${issue.message}` };
}
