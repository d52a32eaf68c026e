/**
 * Migration 9. Steering changes: chaos paused or resumed, TOXIC_PROB, ERROR_PROB or TOXICS changed, or an abort
 * asked, while a run goes.
 */
import type { Migration } from '../migration.js';

export const migrationSteeringChanges: Migration = {
  description:
    'steering changes: chaos paused or resumed, TOXIC_PROB, ERROR_PROB or TOXICS changed, or an abort asked, while a run goes',
  sql: `
      -- One row per change made through the proxy-manager's
      -- /steering API (common/src/steering.ts), so a replay knows what was in force when.
      -- setting: CHAOS (value "paused" | "running"), TOXIC_PROB, ERROR_PROB (a number), TOXICS (a
      -- JSON list of toxic types), ABORT (value "requested"). value / previous: JSON, previous being
      -- what was in force before (NULL for ABORT). The latest row of a setting for a run is in force.
      CREATE TABLE steering_changes (
        id       INTEGER PRIMARY KEY,
        run_id   TEXT NOT NULL,
        at       INTEGER NOT NULL,
        setting  TEXT NOT NULL CHECK (setting IN ('CHAOS', 'TOXIC_PROB', 'ERROR_PROB', 'TOXICS', 'ABORT')),
        value    TEXT NOT NULL,
        previous TEXT,
        source   TEXT NOT NULL
      );
      CREATE INDEX steering_changes_run ON steering_changes (run_id, setting, id);
    `,
};
