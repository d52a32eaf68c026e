/**
 * Migration 6. Knowledge: what the lab learnt from its runs, per target × fault kind × attribute band.
 */
import type { Migration } from '../migration.js';

export const migrationKnowledge: Migration = {
  description: 'knowledge: what the lab learnt from its runs, per target × fault kind × attribute band',
  sql: `
      -- Written by knowledge/ (chaos-lab knowledge), a full rebuild from the
      -- record each time (DELETE then INSERT in one transaction), so it never drifts from the runs.
      -- One row per target (a tool service, or model) × fault kind (toxic:<type>, http_error,
      -- service:<action>, service_down, llm:<kind>) × attribute band (knowledge/src/bands.ts); band_group
      -- and band_rank order the bands of one attribute (adjacent ranks are neighbours).
      -- prompts_checked: exposed prompts with a verdict (correct, wrong, unhandled, failed); success_low /
      -- success_high: its 95% Wilson score interval. failed_calls / recovered_calls: calls with a failed
      -- attempt the fault touched / of those, calls that still got a result. duplicate_side_effects: the
      -- experiments' duplicate_side_effects values of the runs (NULL when never measured).
      -- bystander_prompts / bystander_failures: prompts that ran during a fault of the key without using
      -- its target / of those, the ones that did not end well (failed, wrong, unhandled).
      -- hypothesis_tolerance: the strictest prompt_success_rate bound an experiment checked these runs with.
      CREATE TABLE knowledge (
        target                  TEXT NOT NULL,
        fault_kind              TEXT NOT NULL,
        band                    TEXT NOT NULL,
        band_group              TEXT NOT NULL,
        band_rank               INTEGER NOT NULL,
        fault_events            INTEGER NOT NULL,
        runs                    INTEGER NOT NULL,
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
        first_seen              INTEGER NOT NULL,
        last_seen               INTEGER NOT NULL,
        PRIMARY KEY (target, fault_kind, band)
      );
      -- One row per rebuild: when, from how much, how long it took.
      CREATE TABLE knowledge_builds (
        id           INTEGER PRIMARY KEY,
        built_at     INTEGER NOT NULL,
        runs         INTEGER NOT NULL,
        experiments  INTEGER NOT NULL,
        fault_events INTEGER NOT NULL,
        keys         INTEGER NOT NULL,
        build_ms     INTEGER NOT NULL
      );
    `,
};
