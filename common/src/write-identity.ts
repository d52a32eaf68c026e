/**
 * What makes two writes at a tool service the same write: the same tool and the same effective
 * arguments. Each writing service says which of its fields are effective (its store's rule, e.g.
 * `tools/src/services/message/mailbox.ts`) and hands them here; the lab's agent makes its write-derived
 * idempotency key (`IDEMPOTENCY_KEYS=per-write`) from the same text normalisation. Two writes whose
 * texts differ in anything but case, Unicode form and white space are different writes: the rule never
 * calls two different messages one (docs/experiments.md, "Duplicate side effects").
 */
import { createHash } from 'node:crypto';

/** Free text as a write's identity sees it: Unicode NFKC, lower case, each run of white space one space, trimmed. */
export function normaliseWriteText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The identity of a write: the first 32 hex digits of the SHA-256 of the tool and its effective
 * fields, in the order given (already normalised by the caller's rule).
 * @param tool the tool that writes (`send_message`)
 * @param fields its effective arguments, as text
 */
export function writeIdentity(tool: string, fields: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([tool, ...fields]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * One write as a writing tool service's `GET /writes` lists it (JSON, snake_case): what the service
 * wrote (`tools/src/server/idempotency.ts`), read back by experiments to count duplicates.
 */
export interface WriteListing {
  readonly scope: string;
  readonly request_id: string | null;
  readonly x_request_id: string | null;
  readonly identity: string;
  readonly record: string | null;
  readonly written_at: number;
}
