/**
 * Migration 14. Faults that land where their trigger says: what an in-place fault touched, the
 * announcements held back while it was in place, and a service fault's planned end and real outage.
 */
import type { Migration } from '../migration.js';

export const migrationLandedFaults: Migration = {
  description: 'landed faults: attempts touched, announcement holds, planned end and real outage of faults',
  sql: `
      -- due_at: when the fault is due to end (ms since the epoch; NULL: no set end). The launcher
      -- restarts a killed or stopped service ahead of it, so the service answers again at due_at.
      ALTER TABLE fault_events ADD COLUMN due_at INTEGER;
      -- touched_attempts: for a planned fault fired in place for an agent that reports its attempts'
      -- ends (call, prompt, first_attempts, random with a tool): JSON list of the attempt ids
      -- (<call id>#<attempt>) that were sent while it was in place; '[]' when it touched none; NULL
      -- when the schedule cannot tell (a time trigger, an announcer that does not report ends).
      ALTER TABLE fault_events ADD COLUMN touched_attempts TEXT;
      -- outage_ms: for a service fault (kill, stop, pause, restart) and a service_down, the measured
      -- time from the service's stopping to answer to its answering again.
      ALTER TABLE fault_events ADD COLUMN outage_ms INTEGER;

      -- held_ms: how long the announcement was held before its acknowledgement, because a planned
      -- fault was in place (or being put in place) on its service for other attempts; held_by: that
      -- fault's name in the plan (NULL when not held).
      ALTER TABLE call_announcements ADD COLUMN held_ms INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE call_announcements ADD COLUMN held_by TEXT;
    `,
};
