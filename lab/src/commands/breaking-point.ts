/**
 * `chaos-lab breaking-point --target SERVICE --to N [...]`: searches one toxic's attribute (or its
 * toxicity) on one target for the value where a hypothesis check fails (`@chaos-lab/explore`), one
 * lab run per step and repeat; prints the interval and the runs behind each step and records it in
 * `breaking_points`. Exit 0 the search ran, 2 bad input or a lab run that failed.
 */
import { InvalidArgumentError, type Command } from 'commander';
import {
  isLabError,
  SERVICE_NAMES,
  TOXIC_ATTRIBUTES,
  TOXIC_TYPES,
  type ServiceName,
  type ToxicType,
} from '@chaos-lab/common';
import { findBreakingPoint, STEP_RULES, type StepRule } from '@chaos-lab/explore';
import { launchOnce } from '../launcher/launch-once.js';
import { resolveAutoPortOffset } from './port-offset-auto.js';

const number = (what: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`must be a number (${what})`);
  return n;
};
const count = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be an integer ≥ 1');
  return n;
};
const list = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const setting = (v: string, acc: Record<string, string>) => {
  const m = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(v);
  if (!m) throw new InvalidArgumentError('must be SETTING=value, e.g. PROXY_TIMEOUT_MS=1000');
  return { ...acc, [m[1]!]: m[2]! };
};

interface Opts {
  target: string;
  toxic: string;
  attribute?: string;
  stream: string;
  from: number;
  to: number;
  steps: number;
  resolution?: number;
  repeats: number;
  rule: string;
  check: string;
  seed?: number;
  prompts?: string;
  tags?: string[];
  promptIds?: string[];
  limit?: number;
  set: Record<string, string>;
  guardMs?: number;
}

/** Registers `chaos-lab breaking-point`. */
export function registerBreakingPointCommand(program: Command): void {
  program
    .command('breaking-point')
    .description(
      "search one toxic's attribute on one service for the value where a hypothesis check fails (bisection, repeated runs per step); recorded in breaking_points",
    )
    .requiredOption('--target <service>', `the service whose proxy gets the toxic (${SERVICE_NAMES.join(', ')})`)
    .option('--toxic <type>', `the toxic type (${TOXIC_TYPES.join(', ')})`, 'latency')
    .option('--attribute <name>', "the attribute searched, or toxicity (default: the toxic's first attribute)")
    .option('--stream <stream>', 'upstream or downstream', 'downstream')
    .option(
      '--from <n>',
      'the value expected to hold (its unit: ms, KB/s, bytes, or 0–1 for toxicity)',
      number('--from'),
      0,
    )
    .requiredOption('--to <n>', 'the value expected to fail', number('--to'))
    .option('--steps <n>', 'at most this many bisection steps', count, 4)
    .option('--resolution <n>', 'grid of the tested values (default 1, 0.01 for toxicity)', number('--resolution'))
    .option('--repeats <n>', 'lab runs per step (repeat i uses seed + i)', count, 1)
    .option(
      '--rule <rule>',
      'when a step fails: majority (more than half its runs deviate) or wilson (the 95 % Wilson interval of the pooled success rate lies below the bound)',
      'majority',
    )
    .option('--check <expr>', 'the hypothesis check, METRIC >= N | <= N | = N', 'prompt_success_rate >= 0.8')
    .option('--seed <n>', 'seed of the runs (default: fresh, printed)', count)
    .option('--prompts <file>', 'prompts file (default agent/prompts.json)')
    .option('--tags <list>', 'only prompts with one of these tags (default: the prompts that use the target)', list)
    .option('--prompt-ids <list>', 'only these prompts (ids or 1-based positions)', list)
    .option('--limit <n>', 'at most this many prompts (the first ones)', count)
    .option('--set <SETTING=value>', 'a setting of every run, e.g. PROXY_TIMEOUT_MS=1000 (repeatable)', setting, {})
    .option(
      '--guard-ms <n>',
      "the guard band, ms: a time attribute is never tested within it of PROXY_TIMEOUT_MS, and a step holds only when its attempts' p95 on the target stays below PROXY_TIMEOUT_MS minus it (default max(100, 10 %); 0: off)",
      number('--guard-ms'),
    )
    .action(async (opts: Opts) => {
      const say = (line: string) => {
        if (process.stdout.writable) process.stdout.write(`${line}\n`);
      };
      const fail = (line: string) => {
        say(`chaos-lab breaking-point: ${line}`);
        process.exitCode = 2;
      };
      if (!(await resolveAutoPortOffset())) return fail('no free port block for PORT_OFFSET=auto');
      if (!(SERVICE_NAMES as readonly string[]).includes(opts.target))
        return fail(`--target ${opts.target}: must be one of ${SERVICE_NAMES.join(', ')}`);
      if (!(TOXIC_TYPES as readonly string[]).includes(opts.toxic))
        return fail(`--toxic ${opts.toxic}: must be one of ${TOXIC_TYPES.join(', ')}`);
      if (opts.stream !== 'upstream' && opts.stream !== 'downstream')
        return fail(`--stream ${opts.stream}: must be upstream or downstream`);
      if (!(STEP_RULES as readonly string[]).includes(opts.rule))
        return fail(`--rule ${opts.rule}: must be ${STEP_RULES.join(' or ')}`);
      const toxic = opts.toxic as ToxicType;
      const attribute = opts.attribute ?? TOXIC_ATTRIBUTES[toxic][0] ?? 'toxicity';
      try {
        process.exitCode = await findBreakingPoint(
          {
            target: opts.target as ServiceName,
            toxic,
            attribute,
            stream: opts.stream,
            from: opts.from,
            to: opts.to,
            steps: opts.steps,
            resolution: opts.resolution,
            repeats: opts.repeats,
            rule: opts.rule as StepRule,
            check: opts.check,
            seed: opts.seed,
            prompts: { file: opts.prompts, tags: opts.tags, ids: opts.promptIds, limit: opts.limit },
            settings: opts.set,
            guardMs: opts.guardMs,
          },
          { say, launch: launchOnce },
        );
      } catch (err) {
        if (isLabError(err, 'VALIDATION') || isLabError(err, 'SETTINGS_INVALID') || isLabError(err, 'PROMPTS_INVALID'))
          return fail(err.message.split('\n').join('; '));
        throw err;
      }
    });
}
