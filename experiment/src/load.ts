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

/** The environment a run gets from overrides: values as text. */
export function overridesEnv(
  ...layers: readonly Readonly<Record<string, string | number | boolean>>[]
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of layers) for (const [k, v] of Object.entries(layer)) env[k] = String(v);
  return env;
}

/** Settings problems of one set of overrides, as `path: VARIABLE=value: rule` lines. */
function settingsProblems(path: string, env: Record<string, string>): string[] {
  try {
    loadSettings({ ...process.env, ...env });
    return [];
  } catch (err) {
    if (!isLabError(err, 'SETTINGS_INVALID')) throw err;
    return err.message.split('\n').map((line) => `${path}: ${line}`);
  }
}

/**
 * Parses an experiment file's text.
 * @throws {LabError} `EXPERIMENT_INVALID`, one line per problem: `file: path: message`
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
  const problems = [
    ...settingsProblems('settings', overridesEnv({ LLM_PROVIDER: e.model }, e.settings)),
    ...settingsProblems('baseline.settings', overridesEnv(e.settings, e.baseline.settings)),
    ...e.variants.flatMap((v, i) => settingsProblems(`variants[${i}].settings`, overridesEnv(e.settings, v.settings))),
  ];
  if (problems.length > 0) throw invalid(file, [...new Set(problems)]);
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
