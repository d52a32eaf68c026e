/**
 * The body of `POST /calls`: `{ runId, promptIndex, tool, callId, attempt }`, checked with zod; a bad
 * one is a 400 naming the field.
 */
import { z } from 'zod';
import type { Announcement } from '../schedule/fault-schedule.js';

const announcementSchema = z.strictObject({
  runId: z.string().min(1).max(200),
  promptIndex: z.number().int().min(0),
  tool: z.string().min(1).max(100),
  callId: z.string().min(1).max(500),
  attempt: z.number().int().min(1),
});

/** Checks an announcement body; returns it, or one line naming what is wrong. */
export function parseAnnouncement(body: unknown): { announcement: Announcement } | { error: string } {
  const parsed = announcementSchema.safeParse(body ?? {});
  if (parsed.success) return { announcement: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { error: `${issue.path.join('.') || 'body'}: ${issue.message}` };
}
