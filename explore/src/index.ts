/**
 * @chaos-lab/explore: learning from runs by running more of them (docs/learning.md):
 * breaking points (`chaos-lab breaking-point`: bisection of one fault's attribute on one target) and
 * minimal failing faults (`chaos-lab shrink`: delta debugging of the faults that fired in a run).
 * `lab/`'s commands drive it with the launcher, as `chaos-lab run` drives experiments.
 */
export { bisect, nextValue, snap, type AvoidedBand, type BisectOptions, type BisectResult } from './bisect.js';
export { STEP_RULES, stepFailed, wilsonInterval, type StepRule, type StepRun } from './step-rule.js';
export { parseCheckExpression } from './check-expr.js';
export { findBreakingPoint, stepFault, summaryLine, type BreakingPointOptions } from './breaking-point.js';
export type { BreakingPointRecord, StepRecord } from './breaking-point-record.js';
export { ddmin, split } from './ddmin.js';
export { firedUnits, type ShrinkUnit } from './fired-faults.js';
export { shrinkRun, CARRIED_SETTINGS, type ShrinkOptions } from './shrink.js';
export type { Launch, ExploreDeps } from './lab-run.js';
