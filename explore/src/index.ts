/**
 * @chaos-lab/explore: learning from runs by running more of them (docs/learning.md):
 * breaking points (`chaos-lab breaking-point`: bisection of one fault's attribute on one target) and
 * minimal failing faults (`chaos-lab shrink`: delta debugging of the faults that fired in a run).
 * `lab/`'s commands drive it with the launcher, as `chaos-lab run` drives experiments.
 */
export { bisect, nextValue, snap, type AvoidedBand, type BisectOptions, type BisectResult } from './bisect.js';
export {
  STEP_RULES,
  judgeStep,
  stepFailed,
  type StepRule,
  type StepRun,
  type StepTiming,
  type StepVerdict,
} from './step-rule.js';
export { attemptTimes } from './attempt-times.js';
export { parseCheckExpression } from './check-expr.js';
export { findBreakingPoint, stepFault, type BreakingPointOptions } from './breaking-point.js';
export { summaryLine } from './breaking-point-words.js';
export type { BreakingPointRecord, StepRecord } from './breaking-point-record.js';
export { ddmin, split } from './ddmin.js';
export { firedUnits, type ShrinkUnit } from './fired-faults.js';
export { shrinkRun, CARRIED_SETTINGS, type ShrinkOptions } from './shrink.js';
export type { Launch, ExploreDeps } from './lab-run.js';
