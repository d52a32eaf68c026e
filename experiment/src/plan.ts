/**
 * The plan of an experiment in words (`--dry-run`, and the head of a real run): the runs, each
 * variant's faults with their targets and triggers, and the checks. Starts nothing.
 */
import { llmAttributes, type Fault, type Trigger } from '@chaos-lab/common';
import { checkName } from './checks.js';
import type { Check, Experiment } from './file-schema.js';

/** A trigger in words, e.g. `on call 1 of add_event, for its first 1 attempt(s)`. */
export function describeTrigger(t: Trigger): string {
  const forMs = (ms: number | undefined) => (ms === undefined ? '' : ` for ${ms} ms`);
  switch (t.kind) {
    case 'random':
      if (t.tool !== undefined)
        return `at random: probability ${t.probability} per attempt of ${t.tool}${t.durationMs ? ` (at most ${t.durationMs[0]}–${t.durationMs[1]} ms)` : ''}`;
      return `at random: probability ${t.probability} per chaos tick${t.durationMs ? `, for ${t.durationMs[0]}–${t.durationMs[1]} ms` : ''}`;
    case 'call':
      return `on call ${t.n} of ${t.tool}, before its first byte, for its first ${t.attempts} attempt(s)${t.durationMs === undefined ? '' : ` (at most ${t.durationMs} ms)`}`;
    case 'prompt':
      return `during prompt ${t.n}${t.durationMs === undefined ? ' (until the next prompt)' : forMs(t.durationMs)}`;
    case 'window':
      return `from ${t.fromMs} ms to ${t.toMs} ms after the run started`;
    case 'first_attempts':
      return `for the run's first ${t.k} attempt(s)${t.tool ? ` of ${t.tool}` : ''}`;
  }
}

/** A fault in words, e.g. `toxic timeout downstream (toxicity 1, timeout=0) on calendar, message`. */
export function describeFault(f: Fault): string {
  const targets = f.targets === 'all' ? 'every service' : f.targets.join(', ');
  switch (f.kind) {
    case 'toxic': {
      const attrs = Object.entries(f.attributes).map(([k, v]) => `${k}=${v}`);
      return `toxic ${f.type} ${f.stream} (toxicity ${f.toxicity}${attrs.length ? `, ${attrs.join(', ')}` : ''}) on ${targets}`;
    }
    case 'http_error':
      return `HTTP ${f.status}${f.retryAfterS === undefined ? '' : ` with Retry-After ${f.retryAfterS} s`} from ${targets}`;
    case 'service':
      return `${f.action} the ${targets} service${f.targets !== 'all' && f.targets.length > 1 ? 's' : ''}`;
    case 'llm': {
      const attrs = Object.entries(llmAttributes(f)).map(([k, v]) => `${k}=${v}`);
      return `LLM fault ${Array.isArray(f.type) ? f.type.join(' | ') : f.type}${attrs.length ? ` (${attrs.join(', ')})` : ''} on the model`;
    }
  }
}

/** A check's tolerance in words. */
export function describeCheck(c: Check): string {
  const [op, bound] =
    c.atLeast !== undefined ? ['≥', c.atLeast] : c.atMost !== undefined ? ['≤', c.atMost] : ['=', c.equals!];
  return `${checkName(c)} ${op} ${typeof bound === 'object' ? `${bound.baseline} × baseline` : bound}`;
}

function settingsText(s: Readonly<Record<string, unknown>>): string {
  const entries = Object.entries(s);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}=${v}`).join(' ');
}

/**
 * The plan's lines.
 * @param only the one variant to run (`--variant`), or undefined for all
 */
export function planLines(e: Experiment, file: string, seed: number, promptCount: number, only?: string): string[] {
  const source =
    'inline' in e.prompts
      ? 'inline'
      : `${e.prompts.file ?? 'agent/prompts.json'}${e.prompts.tags ? `, tags ${e.prompts.tags.join(', ')}` : ''}`;
  const lines = [
    `experiment: ${e.title} (${file})`,
    `seed ${seed}, model ${e.model}, ${promptCount} prompts (${source})`,
    `settings: ${settingsText(e.settings)}`,
    'runs:',
    `  baseline: no faults; settings ${settingsText(e.baseline.settings)}`,
  ];
  for (const v of e.variants) {
    if (only !== undefined && v.name !== only) continue;
    lines.push(`  variant ${v.name}: settings ${settingsText(v.settings)}`);
    for (const f of v.faults) {
      lines.push(`    fault ${f.name}: ${describeFault(f)}`);
      lines.push(`      when: ${describeTrigger(f.trigger)}`);
    }
  }
  lines.push('checks (on every run):');
  for (const c of e.hypothesis) lines.push(`  ${describeCheck(c)}`);
  return lines;
}
