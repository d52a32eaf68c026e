/**
 * The experiment file (`experiments/NAME.yaml`, docs/experiments.md), in the Chaos Toolkit shape:
 * a steady-state hypothesis (checks), a baseline run without faults, and variants with planned faults.
 * One zod schema; `experiments/experiment.schema.json` is generated from it (json-schema.ts) so editors
 * complete and check the file.
 *
 *   title, description            what the experiment asks
 *   seed                          every random choice of every run (CHAOS_SEED); --seed overrides
 *   model                         offline | groq | auto (LLM_PROVIDER)
 *   prompts                       { file, tags } or { inline: [...] }: the runs' prompts
 *   settings                      settings that differ from the environment, for every run
 *   hypothesis                    checks: a metric with a tolerance, absolute or × baseline
 *   baseline                      { settings }: the run without faults (its settings on top)
 *   variants                      [{ name, settings, faults }]: one run each, faults as the fault plan
 *
 * A fault and its trigger are the fault plan's own schema (`common/src/fault-plan/schema.ts`), the one
 * the proxy-manager reads the plan with.
 */
import { faultSchema, settingsShape, TOOL_NAMES } from '@chaos-lab/common';
import { z } from 'zod';
import { MEASURE_NAMES } from './measure-names.js';

const settingNames = Object.keys(settingsShape);

/** Settings overrides: a known setting → its value (checked by the settings schema at load). */
export const settingsOverrides = z
  .record(
    z.string(),
    z.union([z.string(), z.number(), z.boolean()], { error: 'must be a string, a number or a boolean' }),
    { error: 'must be a map of SETTING: value' },
  )
  .superRefine((o, ctx) => {
    for (const key of Object.keys(o)) {
      if (!settingNames.includes(key))
        ctx.addIssue({ code: 'custom', path: [key], message: 'not a setting of the lab (see chaos-lab settings)' });
      if (key === 'CHAOS_SEED' || key === 'PROMPTS_FILE')
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `set by the experiment's ${key === 'CHAOS_SEED' ? 'seed' : 'prompts'}, not here`,
        });
    }
  });

const inlinePrompt = z.union([
  z.string().min(1, { error: 'must not be empty' }),
  z.looseObject({
    prompt: z.string({ error: 'must be a string' }).min(1),
    id: z.string().optional(),
    tags: z.array(z.string()).optional(),
    expect: z.unknown().optional(),
  }),
]);

/** Where the prompts come from: a prompts file (default `agent/prompts.json`) filtered by tags, or inline. */
export const promptsSource = z.union(
  [
    z.strictObject({
      inline: z
        .array(inlinePrompt, { error: 'must be a list of prompts' })
        .min(1, { error: 'must hold at least one prompt' }),
    }),
    z.strictObject({
      file: z.string().min(1).optional(),
      tags: z.array(z.string().min(1)).min(1, { error: 'must name at least one tag' }).optional(),
    }),
  ],
  { error: 'must be { file, tags } or { inline: [...] }' },
);

const factor = z.number({ error: 'must be a number ≥ 0' }).min(0, { error: 'must be a number ≥ 0' });
/** A bound: an absolute number, or `{ baseline: factor }` (the factor times the baseline's value). */
export const boundSchema = z.union([z.number({ error: 'must be a number' }), z.strictObject({ baseline: factor })], {
  error: 'must be a number or { baseline: factor }',
});

/** One check of the hypothesis: a metric and exactly one of atLeast / atMost / equals. */
export const checkSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    metric: z.enum(MEASURE_NAMES, { error: `must be one of the metrics: ${MEASURE_NAMES.join(', ')}` }),
    fault: z.string().min(1).optional().describe('faults_fired: which fault'),
    tool: z.enum(TOOL_NAMES).optional().describe('tool-call metrics: only this tool'),
    on: z
      .enum(['all', 'variants'], { error: 'must be all or variants' })
      .default('all')
      .describe(
        'all: every run, the baseline too (the steady state); variants: the runs with faults only (what a fault must cause)',
      ),
    atLeast: boundSchema.optional(),
    atMost: boundSchema.optional(),
    equals: boundSchema.optional(),
  })
  .superRefine((c, ctx) => {
    const bounds = [c.atLeast, c.atMost, c.equals].filter((b) => b !== undefined).length;
    if (bounds !== 1)
      ctx.addIssue({ code: 'custom', path: [], message: 'must have exactly one of atLeast, atMost, equals' });
    if (c.metric === 'faults_fired' && c.fault === undefined)
      ctx.addIssue({ code: 'custom', path: ['fault'], message: 'faults_fired needs the fault it counts' });
  });

const variantName = z
  .string({ error: 'must be a name' })
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, { error: 'must be a name of letters, digits, - and _' });

/** One variant: a run with planned faults. */
export const variantSchema = z.strictObject({
  name: variantName.refine((n) => n !== 'baseline', { error: '"baseline" is the run without faults' }),
  description: z.string().optional(),
  settings: settingsOverrides.default({}),
  faults: z
    .array(faultSchema, { error: 'must be a list of faults' })
    .min(1, { error: 'must hold at least one fault (the baseline has none)' }),
});

/** The experiment file. */
export const experimentSchema = z
  .strictObject({
    $schema: z.string().optional(),
    title: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }),
    description: z.string().optional(),
    seed: z
      .number({ error: 'must be an integer ≥ 0' })
      .int({ error: 'must be an integer ≥ 0' })
      .min(0, { error: 'must be an integer ≥ 0' })
      .optional(),
    model: z.enum(['offline', 'groq', 'auto'], { error: 'must be offline, groq or auto' }).default('offline'),
    prompts: promptsSource.default({}),
    settings: settingsOverrides.default({}),
    hypothesis: z
      .array(checkSchema, { error: 'must be a list of checks' })
      .min(1, { error: 'must hold at least one check' }),
    baseline: z.strictObject({ settings: settingsOverrides.default({}) }).default({ settings: {} }),
    variants: z
      .array(variantSchema, { error: 'must be a list of variants' })
      .min(1, { error: 'must hold at least one variant' }),
  })
  .superRefine((e, ctx) => {
    const names = new Set<string>();
    e.variants.forEach((v, i) => {
      if (names.has(v.name))
        ctx.addIssue({
          code: 'custom',
          path: ['variants', i, 'name'],
          message: `"${v.name}" is used by an earlier variant`,
        });
      names.add(v.name);
      const faults = new Set<string>();
      v.faults.forEach((f, j) => {
        if (faults.has(f.name))
          ctx.addIssue({
            code: 'custom',
            path: ['variants', i, 'faults', j, 'name'],
            message: `"${f.name}" is used by an earlier fault of the variant`,
          });
        faults.add(f.name);
      });
    });
    const allFaults = new Set(e.variants.flatMap((v) => v.faults.map((f) => f.name)));
    e.hypothesis.forEach((c, i) => {
      if (c.fault !== undefined && !allFaults.has(c.fault))
        ctx.addIssue({
          code: 'custom',
          path: ['hypothesis', i, 'fault'],
          message: `no variant has a fault named "${c.fault}"`,
        });
    });
  });

/** An experiment as validated, defaults applied. */
export type Experiment = z.output<typeof experimentSchema>;
/** A variant as validated. */
export type Variant = z.output<typeof variantSchema>;
/** A check as validated. */
export type Check = z.output<typeof checkSchema>;
/** A check's bound. */
export type Bound = z.output<typeof boundSchema>;
