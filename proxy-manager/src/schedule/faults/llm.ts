/**
 * `llm` faults: the model gateway (`model/src/gateway`) answers the model requests it serves while the
 * slot's `fault_events` row is open as a troubled model API does: the row's `type` is the LLM fault
 * kind (drawn from the plan's list at each firing, from the run's plan source) and its attributes the
 * settable ones (status, Retry-After, hang, delays, chunks before a cut). Like `http_error`, the
 * manager acts on nothing: the open row is the instruction, which the gateway reads before handling a
 * request, after its announcement of the request (tool `model`) is acknowledged. The target is the
 * model: service `model`, proxy `model_proxy`.
 */
import { llmAttributes, type LlmFaultKind, type LlmPlanFault, type Random } from '@chaos-lab/common';
import type { EventShape, FaultKind, Slot } from './fault-kind.js';

/** The kind of one firing: the plan's, or one drawn from its list. */
function drawType(f: LlmPlanFault, random: Random): LlmFaultKind {
  if (!Array.isArray(f.type)) return f.type as LlmFaultKind;
  return f.type.length === 1 ? f.type[0]! : random.pick(f.type);
}

/** See the file comment. */
export const llmFaults: FaultKind = {
  shape(slot: Slot, random: Random): EventShape {
    const f = slot.fault;
    if (f.kind !== 'llm') throw new Error(`not an llm fault: ${f.kind}`);
    return {
      kind: 'llm',
      name: `plan_${f.name}_${slot.service}`,
      type: drawType(f, random),
      stream: null,
      toxicity: null,
      attributes: llmAttributes(f),
    };
  },
  apply: async () => undefined,
  revert: async () => undefined,
};
