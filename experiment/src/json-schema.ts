/**
 * The JSON Schema of the experiment file, generated from the zod schema (zod's own `toJSONSchema`), so
 * editors complete and check `experiments/*.yaml` (`# yaml-language-server: $schema=…` or `$schema`).
 * The shipped `experiments/experiment.schema.json` is this text; a test keeps it up to date
 * (regenerate: `npx chaos-lab run --schema > experiments/experiment.schema.json`).
 */
import { z } from 'zod';
import { experimentSchema } from './file-schema.js';

/** The JSON Schema text (draft 2020-12), with a trailing newline. */
export function experimentJsonSchema(): string {
  const schema = z.toJSONSchema(experimentSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'Agent Chaos Lab experiment', description: 'chaos-lab run experiments/NAME.yaml (see docs/experiments.md)' }, null, 2)}\n`;
}
