/**
 * @chaos-lab/knowledge: what the lab learns from its runs (docs/learning.md): the knowledge per
 * settings profile × target × fault kind × attribute band with Wilson intervals, replays counted apart, risk profiles bounded by that evidence,
 * and a planner that writes the next experiment worth running. `lab/`'s `chaos-lab knowledge`,
 * `chaos-lab plan` and the report use it.
 */
export {
  BANDS,
  bandOf,
  bandLabel,
  bandValue,
  faultKindOf,
  type Band,
  type BandDefinition,
  type BandedEvent,
} from './bands.js';
export { wilsonInterval, Z_95, type Interval } from './wilson.js';
export { readEvidence, type Evidence } from './evidence.js';
export { aggregate, profilesOf, type KnowledgeRow, type ProfileSummary } from './aggregate.js';
export {
  PROFILE_SETTINGS,
  settingsProfile,
  profileOverrides,
  type ProfileSetting,
  type SettingsProfile,
} from './settings-profile.js';
export { findReplays, observationKey, promptsDigest, type RunFacts, type ObservedEvent } from './replays.js';
export {
  resolveTolerance,
  strictestTolerance,
  type ResolvedTolerance,
  type SuccessCheck,
} from './tolerance.js';
export { rebuildKnowledge, loadKnowledge, type KnowledgeBuild } from './store.js';
export {
  riskProfiles,
  judgeBand,
  DEFAULT_TOLERANCE,
  DEFAULT_MIN_CHECKED,
  type RiskProfile,
  type BandJudgement,
  type BandVerdict,
  type ProfileOptions,
} from './profiles.js';
export {
  chooseFaults,
  PLANNABLE_KINDS,
  SHARP_CHANGE,
  type PlanChoice,
  type PlannerOptions,
  type ChoiceKind,
} from './planner.js';
export { planFileText, WHOLE_RUN_MS, type PlanFileOptions } from './plan-file.js';
