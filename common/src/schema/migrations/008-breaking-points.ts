/**
 * Migration 8. Breaking points: the result of each `chaos-lab breaking-point` search.
 */
import type { Migration } from '../migration.js';

export const migrationBreakingPoints: Migration = {
  description: 'breaking points: the result of each chaos-lab breaking-point search',
  sql: `
      -- Written by explore/src/breaking-point.ts: one row per search of one fault's
      -- attribute (or toxicity) on one target for the value where a hypothesis check starts to fail.
      -- target: the service; fault_kind: 'toxic'; toxic_type, stream: the toxic searched;
      -- attribute: its attribute (e.g. 'latency') or 'toxicity'; unit: ms, KB/s, bytes or probability.
      -- range_from / range_to: the searched range, from the value expected to hold towards the value
      -- expected to fail (range_from > range_to when smaller is worse, e.g. bandwidth's rate).
      -- check_text: the hypothesis check as written (e.g. 'prompt_success_rate >= 0.8'); metric, op
      -- ('atLeast', 'atMost', 'equals') and bound: the same, parsed.
      -- rule: when a step counts as failing ('majority' of its repeats deviated, or 'wilson': the 95 %
      -- Wilson interval of the pooled prompt success lies wholly below the bound); repeats: runs per
      -- step (repeat i uses seed + i).
      -- seed: the search's seed; prompt_ids: JSON list of the prompts' ids (or 1-based positions);
      -- settings: JSON of the settings given to every run.
      -- last_pass: the largest (towards range_to) value tested that held, NULL when none held;
      -- first_fail: the smallest value tested that failed, NULL when none failed. The breaking point
      -- lies between them. status: 'found' (both tested), 'holds' (no tested value failed), 'fails'
      -- (every tested value failed), 'error' (a lab run failed; steps says which).
      -- steps: JSON list, in search order, of {value, failed, runs: [{runId, seed, value, outcome}]}.
      CREATE TABLE breaking_points (
        id           INTEGER PRIMARY KEY,
        started_at   INTEGER NOT NULL,
        finished_at  INTEGER NOT NULL,
        target       TEXT NOT NULL,
        fault_kind   TEXT NOT NULL,
        toxic_type   TEXT NOT NULL,
        stream       TEXT NOT NULL CHECK (stream IN ('upstream', 'downstream')),
        attribute    TEXT NOT NULL,
        unit         TEXT NOT NULL,
        range_from   REAL NOT NULL,
        range_to     REAL NOT NULL,
        check_text   TEXT NOT NULL,
        metric       TEXT NOT NULL,
        op           TEXT NOT NULL CHECK (op IN ('atLeast', 'atMost', 'equals')),
        bound        REAL NOT NULL,
        rule         TEXT NOT NULL CHECK (rule IN ('majority', 'wilson')),
        repeats      INTEGER NOT NULL,
        seed         INTEGER NOT NULL,
        prompt_ids   TEXT NOT NULL,
        settings     TEXT NOT NULL,
        last_pass    REAL,
        first_fail   REAL,
        status       TEXT NOT NULL CHECK (status IN ('found', 'holds', 'fails', 'error')),
        steps        TEXT NOT NULL
      );
      CREATE INDEX breaking_points_target ON breaking_points (target, toxic_type, attribute);
    `,
};
