/**
 * Reading an experiment file: YAML (the `yaml` package), validated by the one schema (file-schema.ts),
 * settings overrides checked by the lab's own settings schema. Every problem is one line naming its
 * path in the file, e.g. `variants[1].faults[0].attributes.latency: must be a number ≥ 0 (ms)`.
 */
import { readFileSync } from 'node:fs';
import { LabError, isLabError, loadSettings } from '@chaos-lab/common';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { experimentSchema, type Experiment } from './file-schema.js';

/** An experiment as read: the validated content and the file's text as run. */
export interface LoadedExperiment {
  readonly file: string;
  readonly source: string;
  readonly experiment: Experiment;
}

/** A zod path as written in the file: `variants[1].faults[0].attributes.latency`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  return out === '' ? '(top level)' : out;
}

function issueText(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys')
    return `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.message.startsWith('Invalid input'))
    return `is required (${issue.expected})`;
  return issue.message;
}

/** One line per zod issue: `path: message`. */
export function issueLines(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path;
    if (issue.code === 'invalid_type' && issue.input === undefined) return `${formatPath(path)}: is required`;
    return `${formatPath(path)}: ${issueText(issue)}`;
  });
}

function invalid(file: string, problems: readonly string[]): LabError {
  return new LabError('EXPERIMENT_INVALID', problems.map((p) => `${file}: ${p}`).join('\n'), {
    details: { file, problems },
  });
}

/** The settings problems of an experiment's runs: the environment's first, then the file's with their paths. */
function invalidSettings(file: string, problems: SettingsProblems): LabError {
  const environment = [...problems.environment];
  const inFile = [...problems.file];
  const lines = [
    ...(environment.length > 0 ? ['invalid settings in the environment (or .env)', ...environment] : []),
    ...inFile.map((p) => `${file}: ${p}`),
  ];
  return new LabError('EXPERIMENT_INVALID', lines.join('\n'), { details: { file, problems: inFile, environment } });
}

/** The environment a run gets from overrides: values as text. */
export function overridesEnv(
  ...layers: readonly Readonly<Record<string, string | number | boolean>>[]
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) env[k] = String(v);
  return env;
}

/** One layer of settings overrides, and where the file holds it (e.g. `variants[1].settings`). */
interface OverrideLayer {
  readonly path: string;
  readonly values: Readonly<Record<string, string | number | boolean>>;
}

/** Settings problems, split by whose value is bad: the file's (`path: NAME=value: rule`) or the environment's. */
interface SettingsProblems {
  readonly file: Set<string>;
  /** `NAME=value: rule`, as `npm start` says it: the value comes from the environment or `.env`. */
  readonly environment: Set<string>;
}

/**
 * Checks the settings one run gets (the environment, then `layers` in order) and files each problem
 * under the last layer that sets its variable, or under the environment when no layer does.
 */
function settingsProblems(layers: readonly OverrideLayer[], into: SettingsProblems): void {
  try {
    loadSettings({ ...process.env, ...overridesEnv(...layers.map((l) => l.values)) });
  } catch (err) {
    if (!isLabError(err, 'SETTINGS_INVALID')) throw err;
    const { problems, variables } = err.details as { problems: string[]; variables: string[] };
    problems.forEach((line, i) => {
      const layer = layers.findLast((l) => Object.hasOwn(l.values, variables[i]!));
      if (layer) into.file.add(`${layer.path}: ${line}`);
      else into.environment.add(line);
    });
  }
}

/**
 * Parses an experiment file's text, and checks the settings each of its runs would get.
 * @throws {LabError} `EXPERIMENT_INVALID`, one line per problem: `file: path: message`; a bad value of
 *   the environment (or `.env`) that a run would inherit is named as `npm start` names it, after the line
 *   `invalid settings in the environment (or .env)`, never as a path in the file
 */
export function parseExperiment(source: string, file: string): Experiment {
  const doc = parseDocument(source, { prettyErrors: true });
  if (doc.errors.length > 0)
    throw invalid(
      file,
      doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`),
    );
  const parsed = experimentSchema.safeParse(doc.toJS());
  if (!parsed.success) throw invalid(file, issueLines(parsed.error));
  const e = parsed.data;
  const problems: SettingsProblems = { file: new Set(), environment: new Set() };
  const model: OverrideLayer = { path: 'model', values: { LLM_PROVIDER: e.model } };
  const shared: OverrideLayer = { path: 'settings', values: e.settings };
  settingsProblems([model, shared], problems);
  settingsProblems([shared, { path: 'baseline.settings', values: e.baseline.settings }], problems);
  for (const [i, v] of e.variants.entries())
    settingsProblems([shared, { path: `variants[${i}].settings`, values: v.settings }], problems);
  if (problems.environment.size > 0 || problems.file.size > 0) throw invalidSettings(file, problems);
  return e;
}

/**
 * Reads and checks an experiment file.
 * @throws {LabError} `EXPERIMENT_INVALID` naming the file and each problem's path (a missing file too)
 */
export function loadExperiment(file: string): LoadedExperiment {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw invalid(file, [code === 'ENOENT' ? 'file not found' : `cannot be read: ${(err as Error).message}`]);
  }
  return { file, source, experiment: parseExperiment(source, file) };
}
