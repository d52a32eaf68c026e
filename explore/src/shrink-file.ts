/**
 * The experiment file `chaos-lab shrink` writes: the minimal failing faults as one variant, the run's
 * seed, prompts (inline, so the file stands alone) and settings, and a hypothesis that the failure
 * breaks: the deviated checks of the experiment the run belonged to, or for a prompt "no prompt ends this way"
 * (`prompts_failed`, `wrong_answers` or `prompts_unhandled` equals 0). Checked by the experiment
 * file's own parser before it is written, so `chaos-lab run FILE` accepts it.
 */
import { writeFileSync } from 'node:fs';
import { parseExperiment, type Check } from '@chaos-lab/experiment';
import type { Fault } from '@chaos-lab/common';
import { stringify } from 'yaml';

/** What goes into the file. */
export interface ShrinkFile {
  readonly title: string;
  /** Comment lines at the top (what was shrunk, from which run). */
  readonly header: readonly string[];
  readonly seed: number;
  readonly model: 'offline' | 'groq' | 'auto';
  readonly prompts: readonly unknown[];
  readonly settings: Readonly<Record<string, string | number>>;
  readonly hypothesis: readonly Check[];
  readonly faults: readonly Fault[];
}

/** The hypothesis check that a prompt status breaks: no prompt may end with it. */
export function statusCheck(status: string): Check {
  const metric = status === 'wrong' ? 'wrong_answers' : status === 'unhandled' ? 'prompts_unhandled' : 'prompts_failed';
  return { metric, equals: 0, on: 'all' };
}

/** A check as written in a file: without its defaults. */
function written(c: Check): Record<string, unknown> {
  const { on, ...rest } = c;
  return on === 'all' ? rest : { ...rest, on };
}

/**
 * The file's text.
 * @throws {LabError} `EXPERIMENT_INVALID` when the text would not be accepted by `chaos-lab run` (a bug)
 */
export function shrinkFileText(f: ShrinkFile, path: string): string {
  const body = {
    title: f.title,
    seed: f.seed,
    model: f.model,
    prompts: { inline: f.prompts },
    settings: f.settings,
    hypothesis: f.hypothesis.map(written),
    variants: [{ name: 'minimal', faults: f.faults }],
  };
  const text = `${f.header.map((l) => `# ${l}`.trimEnd()).join('\n')}\n${stringify(body, { lineWidth: 0 })}`;
  parseExperiment(text, path);
  return text;
}

/** Writes the file; returns its text. */
export function writeShrinkFile(f: ShrinkFile, path: string): string {
  const text = shrinkFileText(f, path);
  writeFileSync(path, text);
  return text;
}
