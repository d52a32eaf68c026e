/**
 * The `knowledge`, `knowledge_profiles` and `knowledge_builds` tables (common/src/schema/migrations/
 * 006-knowledge.ts, 010-knowledge-profiles.ts): {@link rebuildKnowledge} replaces every row in one
 * immediate transaction, so a reader sees the old knowledge or the new, never half of each;
 * {@link loadKnowledge} reads it back.
 */
import { writeTransaction, type Database } from '@chaos-lab/common';
import { aggregate, profilesOf, type KnowledgeRow, type ProfileSummary } from './aggregate.js';
import { readEvidence } from './evidence.js';

/** One rebuild, as `knowledge_builds` records it. */
export interface KnowledgeBuild {
  /** ms since the epoch. */
  readonly builtAt: number;
  readonly runs: number;
  readonly experiments: number;
  readonly faultEvents: number;
  readonly keys: number;
  /** Wall-clock time of the rebuild (read, fold, write), ms. */
  readonly buildMs: number;
}

/** Column ↔ field, in table order. */
const COLUMNS: readonly (readonly [string, keyof KnowledgeRow])[] = [
  ['settings_profile', 'settingsProfile'],
  ['target', 'target'],
  ['fault_kind', 'faultKind'],
  ['band', 'band'],
  ['band_group', 'bandGroup'],
  ['band_rank', 'bandRank'],
  ['fault_events', 'faultEvents'],
  ['runs', 'runs'],
  ['replay_events', 'replayEvents'],
  ['replay_runs', 'replayRuns'],
  ['prompts_exposed', 'promptsExposed'],
  ['prompts_checked', 'promptsChecked'],
  ['prompts_correct', 'promptsCorrect'],
  ['success_rate', 'successRate'],
  ['success_low', 'successLow'],
  ['success_high', 'successHigh'],
  ['failed_calls', 'failedCalls'],
  ['recovered_calls', 'recoveredCalls'],
  ['recovery_rate', 'recoveryRate'],
  ['attempts', 'attempts'],
  ['attempt_p95_ms', 'attemptP95Ms'],
  ['prompt_p95_ms', 'promptP95Ms'],
  ['duplicate_side_effects', 'duplicateSideEffects'],
  ['bystander_prompts', 'bystanderPrompts'],
  ['bystander_failures', 'bystanderFailures'],
  ['hypothesis_tolerance', 'hypothesisTolerance'],
  ['tolerance_source', 'toleranceSource'],
  ['first_seen', 'firstSeen'],
  ['last_seen', 'lastSeen'],
];

/**
 * Rebuilds the knowledge from every finished run and experiment in the record, replacing what was there.
 * @param db the lab database, opened for writing (migrated)
 * @param now clock, ms since the epoch
 * @returns the rows written, their settings profiles and the build's figures
 */
export function rebuildKnowledge(
  db: Database,
  now: () => number = Date.now,
): { rows: KnowledgeRow[]; profiles: ProfileSummary[]; build: KnowledgeBuild } {
  const started = performance.now();
  const evidence = readEvidence(db);
  const rows = aggregate(evidence);
  const profiles = profilesOf(evidence, rows);
  const insertProfile = db.prepare(
    'INSERT INTO knowledge_profiles (settings_profile, label, settings, model, runs) VALUES (?, ?, ?, ?, ?)',
  );
  const insert = db.prepare(
    `INSERT INTO knowledge (${COLUMNS.map(([c]) => c).join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
  );
  return writeTransaction(db, () => {
    db.prepare('DELETE FROM knowledge').run();
    db.prepare('DELETE FROM knowledge_profiles').run();
    for (const row of rows) insert.run(...COLUMNS.map(([, field]) => row[field]));
    for (const p of profiles) insertProfile.run(p.id, p.label, JSON.stringify(p.settings), p.model, p.runs);
    const build: KnowledgeBuild = {
      builtAt: now(),
      runs: evidence.runs,
      experiments: evidence.experiments,
      faultEvents: evidence.events.length,
      keys: rows.length,
      buildMs: Math.round(performance.now() - started),
    };
    db.prepare(
      'INSERT INTO knowledge_builds (built_at, runs, experiments, fault_events, keys, build_ms) VALUES (?, ?, ?, ?, ?, ?)',
    ).run(build.builtAt, build.runs, build.experiments, build.faultEvents, build.keys, build.buildMs);
    return { rows, profiles, build };
  });
}

/**
 * Reads the knowledge as last rebuilt.
 * @returns its rows (sorted as written), their settings profiles and the last build, undefined when never built
 */
export function loadKnowledge(db: Database): {
  rows: KnowledgeRow[];
  profiles: ProfileSummary[];
  build: KnowledgeBuild | undefined;
} {
  const rows = db
    .prepare(
      `SELECT ${COLUMNS.map(([c, f]) => `${c} AS ${f}`).join(', ')} FROM knowledge ORDER BY settings_profile, target, fault_kind, band_group, band_rank`,
    )
    .all() as KnowledgeRow[];
  const profiles = (
    db
      .prepare(
        'SELECT settings_profile AS id, label, settings, model, runs FROM knowledge_profiles ORDER BY runs DESC, settings_profile',
      )
      .all() as { id: string; label: string; settings: string; model: string | null; runs: number }[]
  ).map((p): ProfileSummary => ({ ...p, settings: JSON.parse(p.settings) as ProfileSummary['settings'] }));
  const build = db
    .prepare(
      'SELECT built_at AS builtAt, runs, experiments, fault_events AS faultEvents, keys, build_ms AS buildMs FROM knowledge_builds ORDER BY id DESC LIMIT 1',
    )
    .get() as KnowledgeBuild | undefined;
  return { rows, profiles, build };
}
