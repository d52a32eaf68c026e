/**
 * Migration 12. Knowledge per settings profile: the knowledge is keyed by the settings its runs were
 * made with, replays of an observation are counted apart, and a band's tolerance says where it came from;
 * a breaking point records the settings profile of its runs.
 */
import type { Migration } from '../migration.js';

export const migrationKnowledgeProfiles: Migration = {
  description:
    'knowledge per settings profile: bands keyed by the settings their runs were made with, replays counted apart, tolerance sources',
  sql: `
      -- The knowledge is a full rebuild from the record (knowledge/src/store.ts), so the old rows are
      -- dropped, not converted: the next chaos-lab knowledge writes them again, per profile.
      -- settings_profile: the id of the runs' settings profile (knowledge/src/settings-profile.ts: the
      -- limits, fallback, timeouts, backoff, idempotency keys, transport, concurrency, the agent under
      -- test and the model); a row never blends runs of two profiles. fault_events and runs count the
      -- observations; replay_events: events that replayed an observation of another run (the same
      -- profile, seed, prompts, fault and prompts touched: knowledge/src/replays.ts), left out of every
      -- other column; replay_runs: runs whose every event of the row was a replay.
      -- hypothesis_tolerance: the strictest prompt_success_rate bound an experiment checked these runs
      -- with, a relative bound resolved against its baseline (knowledge/src/tolerance.ts);
      -- tolerance_source: where it came from, in words. The other columns are as migration 6 says.
      DROP TABLE knowledge;
      CREATE TABLE knowledge (
        settings_profile        TEXT NOT NULL,
        target                  TEXT NOT NULL,
        fault_kind              TEXT NOT NULL,
        band                    TEXT NOT NULL,
        band_group              TEXT NOT NULL,
        band_rank               INTEGER NOT NULL,
        fault_events            INTEGER NOT NULL,
        runs                    INTEGER NOT NULL,
        replay_events           INTEGER NOT NULL,
        replay_runs             INTEGER NOT NULL,
        prompts_exposed         INTEGER NOT NULL,
        prompts_checked         INTEGER NOT NULL,
        prompts_correct         INTEGER NOT NULL,
        success_rate            REAL,
        success_low             REAL,
        success_high            REAL,
        failed_calls            INTEGER NOT NULL,
        recovered_calls         INTEGER NOT NULL,
        recovery_rate           REAL,
        attempts                INTEGER NOT NULL,
        attempt_p95_ms          REAL,
        prompt_p95_ms           REAL,
        duplicate_side_effects  INTEGER,
        bystander_prompts       INTEGER NOT NULL,
        bystander_failures      INTEGER NOT NULL,
        hypothesis_tolerance    REAL,
        tolerance_source        TEXT,
        first_seen              INTEGER NOT NULL,
        last_seen               INTEGER NOT NULL,
        PRIMARY KEY (settings_profile, target, fault_kind, band)
      );
      -- One row per settings profile the knowledge holds, rebuilt with it: label (the settings that
      -- differ from the defaults, then the model), settings (JSON: each profile setting as the runs
      -- recorded it, null when unrecorded), model (runs.model), runs (finished runs made with it).
      CREATE TABLE knowledge_profiles (
        settings_profile TEXT PRIMARY KEY,
        label            TEXT NOT NULL,
        settings         TEXT NOT NULL,
        model            TEXT,
        runs             INTEGER NOT NULL
      );
      -- The settings profile a breaking-point search's step runs were made under (NULL for a search
      -- recorded before this column), so its answer is read with the knowledge of the same profile.
      ALTER TABLE breaking_points ADD COLUMN settings_profile TEXT;
    `,
};
