/**
 * The planner's output: an experiment file (experiment/src/file-schema.ts) that `chaos-lab run`
 * accepts, one variant per chosen fault with the choice's reason as its `description` and as a
 * comment, a baseline without faults, and the hypothesis the knowledge judges bands by: the tolerance
 * on prompt_success_rate, and each fault fired at least once.
 *
 * Settings: the settings profile's (settings-profile.ts), written out, so the planned runs are made
 * with the settings the knowledge was learnt under and their evidence joins that profile's bands.
 *
 * Triggers: a toxic or an HTTP error acts on its target for the whole run (a window from 0 to
 * {@link WHOLE_RUN_MS}), so every prompt that uses the target meets it; a service fault starts with
 * the first prompt and lasts the band's duration. The prompts are the prompts file's entries tagged
 * with a chosen target (the message service's read_inbox prompts are tagged `inbox`).
 */
import { type BandDefinition, BANDS } from './bands.js';
import { Document } from 'yaml';
import type { PlanChoice } from './planner.js';
import { profileOverrides, type SettingsProfile } from './settings-profile.js';

/** A window that outlasts any run: the fault acts from the run's start to its end (rollback). */
export const WHOLE_RUN_MS = 3_600_000;

/** What the file says besides its faults. */
export interface PlanFileOptions {
  /** Every run's seed (CHAOS_SEED). */
  readonly seed: number;
  /** prompt_success_rate's bound, 0–1. */
  readonly tolerance: number;
  /** When the knowledge was built, ms since the epoch (for the header). */
  readonly builtAt: number;
  /** The settings profile the choices were made from: its settings are the file's (none: nothing was known, no settings are written). */
  readonly profile: SettingsProfile | undefined;
}

/** The experiment file's `model` for a profile's model (`runs.model`, agent/src/model/choose-model.ts labels). */
function modelOf(model: string | null): 'offline' | 'groq' | 'auto' {
  if (model === null || model.startsWith('offline')) return 'offline';
  return model.startsWith('groq:') ? 'groq' : 'auto';
}

/** Prompt tags of a target: its name, and `inbox` for the message service. */
function tagsOf(target: string): string[] {
  return target === 'message' ? ['message', 'inbox'] : [target];
}

function faultOf(choice: PlanChoice, name: string): Record<string, unknown> {
  const [kind, type] = choice.faultKind.split(':') as [string, string | undefined];
  const targets = [choice.target];
  const whole = { kind: 'window', fromMs: 0, toMs: WHOLE_RUN_MS };
  if (kind === 'toxic') {
    const def: BandDefinition = BANDS[choice.faultKind]!;
    return {
      name,
      kind: 'toxic',
      type,
      stream: 'downstream',
      attributes: { [def.attribute]: choice.value },
      targets,
      trigger: whole,
    };
  }
  if (kind === 'http_error') return { name, kind: 'http_error', status: choice.value, targets, trigger: whole };
  return { name, kind: 'service', action: type, targets, trigger: { kind: 'prompt', n: 1, durationMs: choice.value } };
}

/**
 * The experiment file of a plan, as YAML text with comments.
 * @param choices the chosen faults (planner.ts), at least one
 * @returns the file's text
 * @throws {RangeError} with no choice (an experiment needs a variant)
 */
export function planFileText(choices: readonly PlanChoice[], options: PlanFileOptions): string {
  if (choices.length === 0) throw new RangeError('planFileText: no fault was chosen');
  const variants = choices.map((c) => {
    const name = `${c.target}-${c.faultKind.replace(/[:_]/g, '-')}-${c.value}`;
    return { name, description: `${c.kind.replace('_', ' ')}: ${c.reason}`, faults: [faultOf(c, name)] };
  });
  const experiment = {
    title: `Planned from the knowledge: ${[...new Set(choices.map((c) => c.target))].join(', ')}`,
    description: `Written by chaos-lab plan from the knowledge built ${new Date(options.builtAt).toISOString()}: transitions, the riskiest targets and faults never tried.`,
    seed: options.seed,
    model: modelOf(options.profile?.model ?? null),
    settings: options.profile === undefined ? {} : profileOverrides(options.profile),
    prompts: { tags: [...new Set(choices.flatMap((c) => tagsOf(c.target)))] },
    hypothesis: [
      { metric: 'prompt_success_rate', atLeast: options.tolerance },
      ...variants.map((v) => ({ metric: 'faults_fired', fault: v.name, atLeast: 1 })),
    ],
    variants,
  };
  const doc = new Document(experiment);
  doc.commentBefore = [
    ' yaml-language-server: $schema=./experiment.schema.json',
    '',
    ' The next experiment worth running, chosen by `chaos-lab plan` from the knowledge (`chaos-lab knowledge`)',
    options.profile === undefined
      ? ' when nothing was known yet:'
      : ` of settings profile ${options.profile.id} (${options.profile.label}), whose settings it keeps:`,
    ...choices.map((c, i) => `   ${i + 1}. ${variants[i]!.name} [${c.kind}] ${c.reason}`),
    '',
    '   chaos-lab run <this file>; then chaos-lab knowledge rebuilds what the lab knows with its runs.',
  ].join('\n');
  return doc.toString({ lineWidth: 0 });
}
