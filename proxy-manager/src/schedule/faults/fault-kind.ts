/**
 * What a fault kind is (one kind per file in this folder): how one slot (a fault on one target
 * service) is put in place and taken away. The schedule records the `fault_events` row; a kind only
 * acts on the world (Toxiproxy, a process) and says what the row holds.
 */
import type { Fault, FaultTarget, Logger, Random } from '@chaos-lab/common';

/** One fault on one target. */
export interface Slot {
  readonly fault: Fault;
  readonly service: FaultTarget;
  /** `<service>_proxy` (`model_proxy` for the model). */
  readonly proxy: string;
}

/** The `fault_events` columns a kind fills. */
export interface EventShape {
  readonly kind: 'toxic' | 'http_error' | 'service' | 'llm';
  /** The toxic's name, e.g. `plan_lost-write_calendar`. */
  readonly name: string;
  /** The toxic type, `http_<status>`, or the service action. */
  readonly type: string;
  readonly stream: 'upstream' | 'downstream' | null;
  readonly toxicity: number | null;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** A fault kind. */
export interface FaultKind {
  /**
   * What the slot's event row records; called once per firing.
   * @param random the run's plan source, for a kind that draws what it fires (an `llm` fault's type from its list)
   */
  shape(slot: Slot, random: Random): EventShape;
  /**
   * Puts the fault in place. Resolves once it is (a toxic added, a signal sent): the schedule
   * acknowledges an announced attempt only after this.
   * @throws when it could not be put in place (the slot stays idle; the schedule logs it)
   */
  apply(slot: Slot, log: Logger): Promise<void>;
  /** Takes it away (a toxic removed, a paused process continued). Never throws: failures are logged. */
  revert(slot: Slot, log: Logger): Promise<void>;
}
