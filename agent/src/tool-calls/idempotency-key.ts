/**
 * The idempotency key (`request_id`) a write tool call sends, by `IDEMPOTENCY_KEYS` (docs/settings.md):
 *
 * - `per-call`: the logical call's id, `<run>/p<index>/a<attempt>/c<n>`, on every attempt of the call
 *   (the service writes once per call; a prompt retry makes a new call, which writes again);
 * - `per-attempt`: the call's id here, replaced by each attempt's own id in tool-call.ts;
 * - `per-write`: derived from what is written, `<run>/p<index>/w<hash>`, the hash of the tool and its
 *   arguments (keys sorted, texts normalised as the services compare them: `normaliseWriteText`), so a
 *   prompt retry that writes the same again sends the same key and the service answers it from its
 *   book. A prompt that means to write the same thing twice writes it once under this key.
 */
import { normaliseWriteText, writeIdentity, type Settings } from '@chaos-lab/common';

/** Which call a key is made for. */
export interface KeyedCall {
  readonly runId: string;
  readonly promptIndex: number;
  /** The logical call's id (`<run>/p<index>/a<attempt>/c<n>`). */
  readonly callId: string;
  readonly tool: string;
  /** The arguments the model gave, as validated. */
  readonly args: Readonly<Record<string, unknown>>;
}

/** An argument value with its texts normalised and its object keys sorted, for hashing. */
function canonical(value: unknown): unknown {
  if (typeof value === 'string') return normaliseWriteText(value);
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => k !== 'request_id')
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/**
 * The key a write's first attempt sends.
 * @param keys `IDEMPOTENCY_KEYS`
 * @param call the run, prompt, call id, tool and arguments
 * @returns the call id, or for `per-write` the write-derived key (at most about 70 characters)
 */
export function idempotencyKey(keys: Settings['IDEMPOTENCY_KEYS'], call: KeyedCall): string {
  if (keys !== 'per-write') return call.callId;
  return `${call.runId}/p${call.promptIndex}/w${writeIdentity(call.tool, [JSON.stringify(canonical(call.args))])}`;
}
