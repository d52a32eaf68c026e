/**
 * Migration 4. Experiments: fault plans, planned fault events, call announcements and the experiments' journals.
 */
import type { Migration } from '../migration.js';

export const migrationExperiments: Migration = {
  description: 'experiments: fault plans, planned fault events, call announcements, experiment journals',
  sql: `
      -- The fault plan of a run: written before the run starts by whoever plans it (chaos-lab run),
      -- read by the proxy-manager when the run becomes current, and by the agent, which then announces
      -- every tool call attempt to the manager before its first byte is sent.
      -- plan: JSON {faults: [...]} as the fault-plan contract (common/src/fault-plan/) validates it.
      CREATE TABLE fault_plans (
        run_id     TEXT PRIMARY KEY,
        plan       TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );

      -- Planned fault events: fault names the plan's fault (NULL for the chaos loop's random toxics and
      -- the launcher's service_down), trigger says what fired it (JSON: the trigger's kind and the call,
      -- prompt or tick that fired it). New kinds: http_error (the service answers an HTTP error instead
      -- of its result) and service (a kill, stop, pause or restart of the service's process); new
      -- ended_by values: duration (its time ran out), trigger (its trigger ended it: the next attempt,
      -- another prompt, the window's end), rollback (the run ended, or the manager stopped).
      ALTER TABLE fault_events ADD COLUMN fault TEXT;
      ALTER TABLE fault_events ADD COLUMN trigger TEXT;

      -- Every announcement of a tool call attempt to the proxy-manager (POST /calls), with the planned
      -- faults active on its service when the manager acknowledged it.
      CREATE TABLE call_announcements (
        id           INTEGER PRIMARY KEY,
        run_id       TEXT NOT NULL,
        prompt_index INTEGER NOT NULL,
        tool         TEXT NOT NULL,
        call_id      TEXT NOT NULL,
        attempt      INTEGER NOT NULL,
        at           INTEGER NOT NULL,
        faults       TEXT NOT NULL DEFAULT '[]'
      );
      CREATE INDEX call_announcements_run ON call_announcements (run_id, at);

      -- Experiments and their journal (chaos-lab run): the file as run, the seed, each variant's run,
      -- each check's value and whether it held, the verdict (held, deviated, error, interrupted).
      CREATE TABLE experiments (
        experiment_id TEXT PRIMARY KEY,
        title         TEXT NOT NULL,
        file          TEXT NOT NULL,
        source        TEXT NOT NULL,
        seed          INTEGER NOT NULL,
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER,
        verdict       TEXT CHECK (verdict IS NULL OR verdict IN ('held', 'deviated', 'error', 'interrupted')),
        journal       TEXT
      );
      CREATE TABLE experiment_variants (
        experiment_id TEXT NOT NULL REFERENCES experiments(experiment_id),
        variant       TEXT NOT NULL,
        position      INTEGER NOT NULL,
        run_id        TEXT,
        exit_code     INTEGER,
        verdict       TEXT CHECK (verdict IS NULL OR verdict IN ('held', 'deviated', 'error', 'interrupted')),
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER,
        PRIMARY KEY (experiment_id, variant)
      );
      CREATE TABLE experiment_checks (
        experiment_id TEXT NOT NULL REFERENCES experiments(experiment_id),
        variant       TEXT NOT NULL,
        check_index   INTEGER NOT NULL,
        metric        TEXT NOT NULL,
        value         REAL,
        bound         REAL,
        tolerance     TEXT NOT NULL,
        held          INTEGER NOT NULL,
        PRIMARY KEY (experiment_id, variant, check_index)
      );

    `,
};
