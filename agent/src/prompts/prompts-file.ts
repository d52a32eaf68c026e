/**
 * The prompts file (`PROMPTS_FILE`, default `agent/prompts.json`): a JSON array of
 * `{ "prompt": "…", "id"?: "…", "tags"?: ["…"], "expect"?: {…} }` objects (`expect`: what a correct
 * answer looks like, see verdicts/verdict-expectation.ts; the format: docs/prompts-and-verdicts.md).
 *
 * The file is checked whole before a run starts: a missing file, invalid JSON, an empty array or one
 * bad entry stops the agent with the file, the entry's index and what is wrong. Nothing is skipped
 * silently, so a run always has exactly the prompts the user wrote.
 */
import { readFileSync } from 'node:fs';
import { LabError } from '@chaos-lab/common';
import { type Expectation, parseExpectation } from '../verdicts/verdict-expectation.js';

/** One prompt of the prompts file. */
export interface Prompt {
  /** 0-based position in the file; `prompt_results.prompt_index`. */
  readonly index: number;
  /** The text the agent is asked. */
  readonly prompt: string;
  /** The user's optional name for the prompt. */
  readonly id?: string;
  /** The user's optional labels. */
  readonly tags?: readonly string[];
  /** What a correct answer looks like; undefined when the entry has no `expect` (answers are then `unchecked`). */
  readonly expect?: Expectation;
}

function invalid(file: string, problem: string, index?: number, id?: unknown): LabError {
  const named = typeof id === 'string' && id.trim() !== '' ? ` (id "${id}")` : '';
  const where = index === undefined ? file : `${file}: entry ${index}${named}`;
  return new LabError('PROMPTS_INVALID', `${where}: ${problem}`, { details: { file, index, problem } });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
}

/** Checks one entry; `index` is its position, for the message. */
function parseEntry(file: string, entry: unknown, index: number): Prompt {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw invalid(file, `must be an object like {"prompt": "…"}, got ${describe(entry)}`, index);
  }
  const record = entry as Record<string, unknown>;
  if (!('prompt' in record)) throw invalid(file, 'has no "prompt" field', index);
  if (typeof record.prompt !== 'string')
    throw invalid(file, `"prompt" must be a string, got ${describe(record.prompt)}`, index);
  if (record.prompt.trim() === '') throw invalid(file, '"prompt" is empty', index);
  if (record.id !== undefined && (typeof record.id !== 'string' || record.id.trim() === '')) {
    throw invalid(file, `"id" must be a non-empty string, got ${describe(record.id)}`, index);
  }
  if (record.tags !== undefined && (!Array.isArray(record.tags) || record.tags.some((t) => typeof t !== 'string'))) {
    throw invalid(file, '"tags" must be an array of strings', index);
  }
  const expect = record.expect === undefined ? undefined : parseExpectation(record.expect);
  if (expect !== undefined && 'error' in expect) throw invalid(file, expect.error, index, record.id);
  return {
    index,
    prompt: record.prompt,
    ...(record.id === undefined ? {} : { id: record.id as string }),
    ...(record.tags === undefined ? {} : { tags: Object.freeze([...(record.tags as string[])]) }),
    ...(expect === undefined ? {} : { expect: expect.expectation }),
  };
}

/**
 * Parses prompts-file text.
 * @param text the file's contents
 * @param file the file's path, named in every error
 * @returns the prompts in file order, each with its 0-based `index`
 * @throws {LabError} `PROMPTS_INVALID` naming the file, the entry index (when one entry is at fault)
 *   and the problem: invalid JSON, not an array, an empty array, an entry that is not an object, has
 *   no non-empty `prompt` string, has a bad `id`, bad `tags` or a bad `expect` (the message names the
 *   field, e.g. `entry 3 (id "w1"): expect.tools[0].tool: must be one of the tools: …`); or two entries
 *   sharing an `id`.
 *   Other fields are allowed (notes of the user's) and ignored.
 */
export function parsePrompts(text: string, file: string): Prompt[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw invalid(file, `invalid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(data))
    throw invalid(file, `must be a JSON array of {"prompt": "…"} objects, got ${describe(data)}`);
  if (data.length === 0) throw invalid(file, 'is an empty array: add at least one {"prompt": "…"} entry');
  const prompts = data.map((entry, index) => parseEntry(file, entry, index));
  const seen = new Map<string, number>();
  for (const p of prompts) {
    if (p.id === undefined) continue;
    const first = seen.get(p.id);
    if (first !== undefined) throw invalid(file, `"id" "${p.id}" is already used by entry ${first}`, p.index);
    seen.set(p.id, p.index);
  }
  return prompts;
}

/**
 * Reads and checks a prompts file.
 * @param file path of the JSON file
 * @returns the prompts in file order (see {@link parsePrompts})
 * @throws {LabError} `PROMPTS_INVALID` when the file cannot be read (missing, a folder, unreadable) or
 *   its content is bad (see {@link parsePrompts})
 */
export function loadPrompts(file: string): Prompt[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a folder, not a file'
          : `cannot be read: ${(err as Error).message}`;
    throw invalid(file, problem);
  }
  return parsePrompts(text, file);
}
