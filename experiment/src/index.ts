/**
 * @chaos-lab/experiment: experiment files (a steady-state hypothesis, a baseline and variants with
 * planned faults), their plan, runner, checks, journal, report and JUnit output (docs/experiments.md).
 * `lab/`'s `chaos-lab run` drives it with the launcher.
 */
export { experimentSchema, type Experiment, type Variant, type Check } from './file-schema.js';
export { loadExperiment, parseExperiment, formatPath, type LoadedExperiment } from './load.js';
export { experimentJsonSchema } from './json-schema.js';
export { planLines } from './plan.js';
export { MEASURES, MEASURE_NAMES, type MeasureName } from './measure-names.js';
export { measure, percentile } from './measures.js';
export { duplicateSideEffects, duplicateWrites, type DuplicateWrite, type ServiceWrite } from './duplicates.js';
export { evaluateCheck, checkLine, type CheckResult } from './checks.js';
export { junitXml } from './junit.js';
export { runExperiment, EXPERIMENT_EXIT, type RunOptions, type RunnerDeps } from './runner.js';
export { readWrites, withEnv, type LaunchRequest } from './lab-launch.js';
export { overridesEnv } from './load.js';
export { experimentPrompts } from './prompts.js';
export { describeFault, describeTrigger, describeCheck } from './plan.js';
export { checkSchema, type Bound } from './file-schema.js';
export type { Journal, JournalRun, Verdict } from './journal.js';
