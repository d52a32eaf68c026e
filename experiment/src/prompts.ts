/**
 * The prompts of an experiment's runs: a prompts file (default `agent/prompts.json`, relative to the
 * project root) whose entries may be filtered by tags (an entry with any of the tags is kept), or an
 * inline list. The result is written as a prompts file beside the journal and given to every run as
 * `PROMPTS_FILE`, so the baseline and the variants ask the same prompts, checked as a prompts file is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, resolveFromRoot } from '@chaos-lab/common';
import { loadPrompts, parsePrompts } from '@chaos-lab/agent/prompts';
import type { Experiment } from './file-schema.js';

/** The default prompts file. */
export const DEFAULT_PROMPTS_FILE = 'agent/prompts.json';

/**
 * The prompts file entries of an experiment (raw JSON objects, as a prompts file holds them).
 * @throws {LabError} `PROMPTS_INVALID` for a bad prompts file or entry; `EXPERIMENT_INVALID` when the
 *   tags keep no prompt
 */
export function experimentPrompts(experiment: Experiment, file: string): unknown[] {
  const source = experiment.prompts;
  if ('inline' in source) {
    const entries = source.inline.map((p) => (typeof p === 'string' ? { prompt: p } : p));
    parsePrompts(JSON.stringify(entries), `${file}: prompts.inline`);
    return entries;
  }
  const path = resolveFromRoot(source.file ?? DEFAULT_PROMPTS_FILE);
  loadPrompts(path);
  const entries = JSON.parse(readFileSync(path, 'utf8')) as { tags?: string[] }[];
  if (!source.tags) return entries;
  const kept = entries.filter((e) => e.tags?.some((t) => source.tags!.includes(t)));
  if (kept.length === 0)
    throw new LabError(
      'EXPERIMENT_INVALID',
      `${file}: prompts.tags: no prompt of ${path} has any of the tags ${source.tags.join(', ')}`,
    );
  return kept;
}

/** Writes the prompts to `<dir>/prompts.json`; returns the file's path. */
export function writePromptsFile(dir: string, entries: readonly unknown[]): string {
  const path = join(dir, 'prompts.json');
  writeFileSync(path, `${JSON.stringify(entries, null, 2)}\n`);
  return path;
}
