/**
 * `http_error` faults: the target service answers every request but `/health` with the plan's status,
 * `Retry-After` (s) and body instead of its result, while the slot's `fault_events` row is open. The
 * manager acts on nothing: the open row is the instruction, and each tool service reads it from SQLite
 * before handling a request (`tools/src/server/planned-fault.ts`). The row is written before an
 * announced attempt is acknowledged, so the attempt meets the error.
 */
import type { EventShape, FaultKind } from './fault-kind.js';

/** See the file comment. */
export const httpErrorFaults: FaultKind = {
  shape(slot): EventShape {
    const f = slot.fault;
    if (f.kind !== 'http_error') throw new Error(`not an http_error fault: ${f.kind}`);
    return {
      kind: 'http_error',
      name: `plan_${f.name}_${slot.service}`,
      type: `http_${f.status}`,
      stream: null,
      toxicity: null,
      attributes: {
        status: f.status,
        ...(f.retryAfterS === undefined ? {} : { retry_after_s: f.retryAfterS }),
        ...(f.body === undefined ? {} : { body: f.body }),
      },
    };
  },
  apply: async () => undefined,
  revert: async () => undefined,
};
