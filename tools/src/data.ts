/**
 * The shipped data files (`tools/data/*.json`): read and validated with zod once per process, so a
 * broken file stops a service at start with a message naming the file and the entry at fault.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { LabError } from '@chaos-lab/common';

/** Validated files by path, with the schema they were validated against. */
const cache = new Map<string, { schema: z.ZodType; data: unknown }>();

/** Where a data file lives; `../data` is the same folder from `src/` and from `dist/`. */
export function dataFilePath(fileName: string): string {
  return fileURLToPath(new URL(`../data/${fileName}`, import.meta.url));
}

/**
 * Loads `tools/data/<fileName>` and validates it against `schema`; later calls with the same schema
 * return the same value without reading the file again.
 * @param fileName e.g. `cities.json`
 * @param schema the file's zod schema
 * @throws {LabError} `INTERNAL` when the file is missing, not JSON, or does not match the schema
 *   (the message names the file and the first bad entry's path)
 */
export function loadDataFile<S extends z.ZodType>(fileName: string, schema: S): z.output<S> {
  const path = dataFilePath(fileName);
  const cached = cache.get(path);
  if (cached?.schema === schema) return cached.data as z.output<S>;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new LabError('INTERNAL', `cannot read data file ${path}: ${(cause as Error).message}`, { cause });
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.map(String).join('.') : '(root)';
    throw new LabError('INTERNAL', `data file ${path} is invalid at ${where}: ${issue?.message ?? 'unknown problem'}`, {
      details: { issues: result.error.issues.slice(0, 5) },
    });
  }
  cache.set(path, { schema, data: result.data });
  return result.data;
}
