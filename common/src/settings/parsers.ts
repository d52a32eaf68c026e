/**
 * The value parsers of the settings table (shape.ts): each reads a variable's raw text (empty counts as
 * unset), gives its default when unset, and fails with the rule a bad value broke, e.g. `must be a
 * number from 0 to 1`.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { LLM_FAULT_KINDS, TOXIC_TYPES, type LlmFaultKind, type ToxicType } from './fault-kinds.js';

/** A variable's raw text, with empty strings treated as unset. */
const raw = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Adds the rule a value broke as the parse's issue; the value is then refused. */
function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

/** A number in [min, max]; `integer` rejects fractions. */
export function num<D extends number | undefined>(
  def: D,
  min: number,
  max: number,
  opts: { integer?: boolean; what?: string } = {},
) {
  const what = opts.what ?? (opts.integer ? 'an integer' : 'a number');
  const rule = max === Number.MAX_SAFE_INTEGER ? `${what} of at least ${min}` : `${what} from ${min} to ${max}`;
  return raw.transform((v, ctx): number | D => {
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max || (opts.integer && !Number.isInteger(n)))
      return fail(ctx, `must be ${rule}`);
    return n;
  });
}

/**
 * `PORT_OFFSET`: an integer from 0 to 50000. `auto` is resolved to a number by the commands that launch labs before
 * the settings are read (lab/src/commands/port-offset-auto.ts, common/src/port-claims.ts), so any
 * other reader refuses it with that said.
 */
export function portOffset() {
  const offset = num(0, 0, 50000, { integer: true });
  return raw.transform((v, ctx): number => {
    if (v?.toLowerCase() === 'auto')
      return fail(ctx, 'auto is picked only by the commands that launch labs (up, run, shrink, breaking-point); here it must be an integer from 0 to 50000');
    const parsed = offset.safeParse(v);
    return parsed.success ? parsed.data : fail(ctx, parsed.error.issues[0]!.message);
  });
}

/** A probability in [0, 1]. */
export const prob = (def: number) => num(def, 0, 1);

/** One of a fixed set of words (case-insensitive). */
export function oneOf<const T extends readonly string[]>(def: T[number], allowed: T) {
  return raw.transform((v, ctx): T[number] => {
    if (v === undefined) return def;
    const lower = v.toLowerCase();
    if (!(allowed as readonly string[]).includes(lower)) return fail(ctx, `must be one of ${allowed.join(', ')}`);
    return lower as T[number];
  });
}

/** Free text with a default (or none). */
export function text(): z.ZodType<string | undefined, string | undefined>;
export function text(def: string): z.ZodType<string, string | undefined>;
export function text(def?: string): z.ZodType<string | undefined, string | undefined> {
  return raw.transform((v) => v ?? def);
}

/** An inclusive integer range `MIN-MAX` (or one number `N`, meaning N-N), in [lo, hi]. */
export function range(def: [number, number], lo: number, hi: number) {
  return raw.transform((v, ctx): { min: number; max: number } => {
    if (v === undefined) return { min: def[0], max: def[1] };
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(v);
    const min = m ? Number(m[1]) : NaN;
    const max = m ? Number(m[2] ?? m[1]) : NaN;
    if (!m || min > max || min < lo || max > hi)
      return fail(ctx, `must be MIN-MAX (or one number) with ${lo} <= MIN <= MAX <= ${hi}`);
    return { min, max };
  });
}

/** An http(s) URL. */
export function url(def?: string) {
  return raw.transform((v, ctx) => {
    if (v === undefined) return def;
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
      return v.replace(/\/+$/, '');
    } catch {
      return fail(ctx, 'must be an http:// or https:// URL');
    }
  });
}

/** One label of a host name (RFC 1123, 2.1), with the underscore Docker service names use. */
const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * True when `host` is an IP address (v4 or v6) or could be a host name. A name whose last label is all
 * digits must be an IPv4 address, since no top-level domain is (RFC 3696, 2): `999.999.1.1` is refused
 * here instead of being looked up. Whether a name resolves, and whether this machine has the address,
 * shows when it is bound (the launcher binds each host once before starting anything).
 */
function isHostOrAddress(host: string): boolean {
  if (isIP(host) !== 0) return true;
  const labels = host.replace(/\.$/, '').split('.');
  return host.length <= 253 && labels.every((l) => HOST_LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!);
}

/** A host to bind or reach: an IP address or a host name (see {@link isHostOrAddress}). */
export function host(def: string) {
  return raw.transform((v, ctx): string => {
    if (v === undefined) return def;
    if (!isHostOrAddress(v))
      return fail(ctx, 'must be an IP address (such as 127.0.0.1, 0.0.0.0 or ::) or a host name');
    return v;
  });
}

/** A comma list of non-negative integers (model call numbers, prompt indexes); unset: none. */
export function intList(what: string) {
  return raw.transform((v, ctx): number[] => {
    if (v === undefined) return [];
    const list = v
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (!list.every((t) => /^\d+$/.test(t))) return fail(ctx, `must be a comma list of ${what}`);
    return [...new Set(list.map(Number))];
  });
}

/** A comma list of toxic types; unset: `timeout`. */
export function toxicTypes() {
  return raw.transform((v, ctx): ToxicType[] => {
    if (v === undefined) return ['timeout'];
    const list = v
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const bad = list.filter((t) => !(TOXIC_TYPES as readonly string[]).includes(t));
    if (list.length === 0 || bad.length > 0) return fail(ctx, `must be a comma list of ${TOXIC_TYPES.join(', ')}`);
    return [...new Set(list)] as ToxicType[];
  });
}

/** `all` or a comma list of LLM fault kinds; unset: `rate_limit`. */
export function llmFaultKinds() {
  return raw.transform((v, ctx): LlmFaultKind[] => {
    if (v === undefined) return ['rate_limit'];
    const list = v
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const all = list.includes('all') ? [...LLM_FAULT_KINDS] : list;
    const bad = all.filter((t) => !(LLM_FAULT_KINDS as readonly string[]).includes(t));
    if (all.length === 0 || bad.length > 0)
      return fail(ctx, `must be "all" or a comma list of ${LLM_FAULT_KINDS.join(', ')}`);
    return [...new Set(all)] as LlmFaultKind[];
  });
}

/** The seed: an integer in [0, 2^32), or unset / `random` for a fresh one (undefined here). */
export function seed() {
  return raw.transform((v, ctx) => {
    if (v === undefined || v.toLowerCase() === 'random') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
      return fail(ctx, 'must be an integer from 0 to 4294967295, or "random"');
    return n;
  });
}
