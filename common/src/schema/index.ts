/**
 * The database schema, as an ordered list of migrations, one file each in `migrations/` (numbered as
 * applied). docs/record.md describes the tables and views for readers.
 *
 * `PRAGMA user_version` holds the number of migrations applied (database.ts applies the ones a
 * database lacks). To change the schema, add a migration file and append it here; never edit one that
 * has shipped, so databases from earlier versions upgrade in place without losing rows. Times are
 * integer milliseconds since the epoch (UTC); durations are ms.
 */
import type { Migration } from './migration.js';
import { migrationFirstTables } from './migrations/001-first-tables.js';
import { migrationTruthfulResults } from './migrations/002-truthful-results.js';
import { migrationAttributionViews } from './migrations/003-attribution-views.js';
import { migrationExperiments } from './migrations/004-experiments.js';
import { migrationModelCalls } from './migrations/005-model-calls.js';
import { migrationKnowledge } from './migrations/006-knowledge.js';
import { migrationServiceRequests } from './migrations/007-service-requests.js';
import { migrationBreakingPoints } from './migrations/008-breaking-points.js';
import { migrationSteeringChanges } from './migrations/009-steering-changes.js';
import { migrationCallsOverBothSources } from './migrations/012-calls-over-both-sources.js';
import { migrationKnowledgeProfiles } from './migrations/010-knowledge-profiles.js';
import { migrationLandedFaults } from './migrations/011-landed-faults.js';

export type { Migration } from './migration.js';

/** Every migration, in order. `MIGRATIONS.length` is the current schema version. */
export const MIGRATIONS: readonly Migration[] = [
  migrationFirstTables,
  migrationTruthfulResults,
  migrationAttributionViews,
  migrationExperiments,
  migrationModelCalls,
  migrationKnowledge,
  migrationServiceRequests,
  migrationBreakingPoints,
  migrationSteeringChanges,
  migrationKnowledgeProfiles,
  migrationLandedFaults,
  migrationCallsOverBothSources,
];
