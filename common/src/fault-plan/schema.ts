/**
 * A run's fault plan: the faults the proxy-manager fires during one run, each with its kind, its
 * targets and the trigger that says when. One zod schema, used by the experiment file (`experiment/`)
 * for its variants' `faults`, by the explore commands for their trial runs, and by the proxy-manager
 * when it reads the plan of a run from `fault_plans` (see docs/experiments.md).
 *
 * Kinds (one file each under `proxy-manager/src/schedule/faults/`):
 * - `toxic`: any Toxiproxy toxic type with its attributes (in Toxiproxy's units, see docs/toxiproxy.md),
 *   stream and toxicity, on the proxy of each target;
 * - `http_error`: each target service answers every request but `/health` with `status`, an optional
 *   `Retry-After` (s) and body, instead of its result (the service reads the open event from SQLite);
 * - `service`: `kill` (SIGKILL; the launcher restarts it when the fault ends), `stop` (SIGTERM; the
 *   same), `pause` (SIGSTOP, SIGCONT when it ends), `restart` (SIGTERM, restarted at once).
 * - `llm`: the model gateway answers the model calls met by the open event as a troubled model API does
 *   (`type`: one LLM fault kind, or a list the kind of each firing is drawn from), with its settable
 *   attributes; target the model (service `model`, proxy `model_proxy`).
 *
 * Triggers (one file each under `proxy-manager/src/schedule/triggers/`): `random` per chaos tick with
 * a probability and a duration range, or, with `tool`, per announced attempt of that tool (`model`: per
 * model request); `call`: the Nth logical call of a tool, in place before its first attempt is sent,
 * for its first `attempts` attempts; `prompt`: during prompt N (1-based in the run's prompts); `window`:
 * from `fromMs` to `toMs` after the run started; `first_attempts`: the run's first K attempts (of one
 * tool, or of any).
 */
import { z } from 'zod';
import { MODEL_PART, SERVICE_NAMES, TOOL_NAMES, type ServiceName } from '../registry.js';
import { LLM_FAULT_KINDS, TOXIC_TYPES } from '../settings/index.js';

/** Toxiproxy's attributes of each toxic type (Toxiproxy 2.12.0, see docs/toxiproxy.md); any other name is refused. */
export const TOXIC_ATTRIBUTES: Readonly<Record<(typeof TOXIC_TYPES)[number], readonly string[]>> = {
  latency: ['latency', 'jitter'],
  bandwidth: ['rate'],
  slow_close: ['delay'],
  timeout: ['timeout'],
  reset_peer: ['timeout'],
  slicer: ['average_size', 'size_variation', 'delay'],
  limit_data: ['bytes'],
  noop: [],
};

const count = (what: string) =>
  z
    .number({ error: `must be an integer ≥ 1 (${what})` })
    .int({ error: `must be an integer ≥ 1 (${what})` })
    .min(1, { error: `must be an integer ≥ 1 (${what})` });
const ms = z.number({ error: 'must be a number ≥ 0 (ms)' }).min(0, { error: 'must be a number ≥ 0 (ms)' });
const name = z
  .string({ error: 'must be a name' })
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/i, { error: 'must be a name of letters, digits, - and _ (at most 63)' });

/** The `tool` of model calls in announcements and triggers: the gateway announces each model request under it. */
export const MODEL_CALLS = 'model';
/** What the call-counting triggers count: a tool's calls, or the model's (`model`). */
const callTool = z.enum([...TOOL_NAMES, MODEL_CALLS], {
  error: `must be one of the tools (${TOOL_NAMES.join(', ')}) or ${MODEL_CALLS}`,
});

/** The targets of a fault: services by name, or `all`. */
export const targetsSchema = z.union(
  [z.literal('all'), z.array(z.enum(SERVICE_NAMES, { error: `must be one of ${SERVICE_NAMES.join(', ')}` })).min(1)],
  {
    error: `must be "all" or a list of services (${SERVICE_NAMES.join(', ')})`,
  },
);

const randomTrigger = z
  .strictObject({
    kind: z.literal('random'),
    probability: z
      .number({ error: 'must be a probability from 0 to 1' })
      .min(0, { error: 'must be a probability from 0 to 1' })
      .max(1, { error: 'must be a probability from 0 to 1' }),
    durationMs: z
      .tuple([ms, ms], { error: 'must be [min, max] in ms' })
      .refine(([a, b]) => a <= b, { error: 'must be [min, max] with min ≤ max' })
      .optional(),
    tool: callTool.optional(),
  })
  .refine((t) => t.tool !== undefined || t.durationMs !== undefined, {
    error: 'durationMs is needed per chaos tick (without tool)',
    path: ['durationMs'],
  });
const callTrigger = z.strictObject({
  kind: z.literal('call'),
  tool: callTool,
  n: count('the Nth call of the tool, 1-based'),
  attempts: count('attempts of that call the fault lasts').default(1),
  durationMs: ms.optional(),
});
const promptTrigger = z.strictObject({
  kind: z.literal('prompt'),
  n: count('the prompt, 1-based'),
  durationMs: ms.optional(),
});
const windowTrigger = z
  .strictObject({ kind: z.literal('window'), fromMs: ms, toMs: ms })
  .refine((w) => w.toMs > w.fromMs, { error: 'toMs must be after fromMs', path: ['toMs'] });
const firstAttemptsTrigger = z.strictObject({
  kind: z.literal('first_attempts'),
  k: count('attempts'),
  tool: callTool.optional(),
});

/** When a fault fires and ends (see the file comment). */
export const triggerSchema = z.discriminatedUnion(
  'kind',
  [randomTrigger, callTrigger, promptTrigger, windowTrigger, firstAttemptsTrigger],
  {
    error: 'must have kind random, call, prompt, window or first_attempts',
  },
);

const toxicFault = z
  .strictObject({
    kind: z.literal('toxic'),
    name,
    type: z.enum(TOXIC_TYPES, { error: `must be one of the toxic types: ${TOXIC_TYPES.join(', ')}` }),
    attributes: z
      .record(z.string(), ms.describe("the attribute, in Toxiproxy's unit for it"), {
        error: 'must be a map of attribute → number',
      })
      .default({}),
    stream: z.enum(['upstream', 'downstream'], { error: 'must be upstream or downstream' }).default('downstream'),
    toxicity: z
      .number({ error: 'must be a number from 0 to 1' })
      .min(0, { error: 'must be a number from 0 to 1' })
      .max(1, { error: 'must be a number from 0 to 1' })
      .default(1),
    targets: targetsSchema,
    trigger: triggerSchema,
  })
  .superRefine((f, ctx) => {
    for (const key of Object.keys(f.attributes)) {
      if (!TOXIC_ATTRIBUTES[f.type].includes(key)) {
        const known = TOXIC_ATTRIBUTES[f.type];
        ctx.addIssue({
          code: 'custom',
          path: ['attributes', key],
          message: `not an attribute of ${f.type} (${known.length > 0 ? known.join(', ') : 'it has none'})`,
        });
      }
    }
  });
const httpErrorFault = z.strictObject({
  kind: z.literal('http_error'),
  name,
  status: z
    .number({ error: 'must be an HTTP status from 400 to 599' })
    .int()
    .min(400, { error: 'must be an HTTP status from 400 to 599' })
    .max(599, { error: 'must be an HTTP status from 400 to 599' }),
  retryAfterS: z
    .number({ error: 'must be an integer ≥ 0 (s)' })
    .int({ error: 'must be an integer ≥ 0 (s)' })
    .min(0, { error: 'must be an integer ≥ 0 (s)' })
    .optional(),
  body: z.string({ error: 'must be a string' }).max(10_000).optional(),
  targets: targetsSchema,
  trigger: triggerSchema,
});
const serviceFault = z.strictObject({
  kind: z.literal('service'),
  name,
  action: z.enum(['kill', 'stop', 'pause', 'restart'], { error: 'must be kill, stop, pause or restart' }),
  targets: targetsSchema,
  trigger: triggerSchema,
});

const llmKind = z.enum(LLM_FAULT_KINDS, { error: `must be one of the LLM faults: ${LLM_FAULT_KINDS.join(', ')}` });
const llmFault = z.strictObject({
  kind: z.literal('llm'),
  name,
  type: z.union([llmKind, z.array(llmKind).min(1)], {
    error: `must be an LLM fault (${LLM_FAULT_KINDS.join(', ')}) or a list of them`,
  }),
  status: z
    .number({ error: 'must be an HTTP status from 400 to 599' })
    .int()
    .min(400, { error: 'must be an HTTP status from 400 to 599' })
    .max(599, { error: 'must be an HTTP status from 400 to 599' })
    .optional(),
  retryAfterS: z
    .number({ error: 'must be an integer ≥ 0 (s)' })
    .int({ error: 'must be an integer ≥ 0 (s)' })
    .min(0, { error: 'must be an integer ≥ 0 (s)' })
    .optional(),
  hangMs: ms.optional(),
  firstTokenDelayMs: ms.optional(),
  chunkDelayMs: ms.optional(),
  cutAfterChunks: z
    .number({ error: 'must be an integer ≥ 0' })
    .int({ error: 'must be an integer ≥ 0' })
    .min(0, { error: 'must be an integer ≥ 0' })
    .optional(),
  targets: z
    .array(z.literal(MODEL_PART.name, { error: `must be ${MODEL_PART.name}` }))
    .min(1)
    .default([MODEL_PART.name]),
  trigger: triggerSchema,
});

/** One planned fault. */
export const faultSchema = z.discriminatedUnion('kind', [toxicFault, httpErrorFault, serviceFault, llmFault], {
  error: 'must have kind toxic, http_error, service or llm',
});

/** A run's plan: its faults, names unique. */
export const faultPlanSchema = z.strictObject({
  faults: z.array(faultSchema).superRefine((faults, ctx) => {
    const seen = new Set<string>();
    faults.forEach((f, i) => {
      if (seen.has(f.name))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${f.name}" is used by an earlier fault` });
      seen.add(f.name);
    });
  }),
});

/** A planned fault, defaults applied. */
export type Fault = z.output<typeof faultSchema>;
/** A trigger, defaults applied. */
export type Trigger = z.output<typeof triggerSchema>;
/** A run's plan, defaults applied. */
export type FaultPlan = z.output<typeof faultPlanSchema>;
/** A run's plan as a writer may give it: defaults left out (see {@link FaultPlan} for the plan as read). */
export type FaultPlanInput = z.input<typeof faultPlanSchema>;

/** A fault's target: a tool service, or the model (`llm` faults). */
export type FaultTarget = ServiceName | typeof MODEL_PART.name;

/** The services a fault's `targets` names, in registry order for `all`. */
export function targetServices(fault: Pick<Fault, 'targets'>): readonly FaultTarget[] {
  return fault.targets === 'all' ? SERVICE_NAMES : fault.targets;
}
