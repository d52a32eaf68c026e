/**
 * `toxic` faults: a Toxiproxy toxic of any type, with the plan's attributes (in Toxiproxy's units, see
 * docs/toxiproxy.md), stream and toxicity, added to the target's proxy and removed when the
 * slot ends. Its name `plan_<fault>_<service>` keeps it apart from the chaos loop's random toxics, and
 * the loop's reconciliation keeps it (see `FaultSchedule.owns`).
 */
import type { ToxiproxyGateway } from '../../toxiproxy/gateway.js';
import { PLANNED_TOXIC_PREFIX } from '../../toxiproxy/toxic-names.js';
import type { EventShape, FaultKind, Slot } from './fault-kind.js';

/** The Toxiproxy name of a planned toxic. */
export function plannedToxicName(slot: Pick<Slot, 'fault' | 'service'>): string {
  return `${PLANNED_TOXIC_PREFIX}${slot.fault.name}_${slot.service}`;
}

function request(slot: Slot) {
  const f = slot.fault;
  if (f.kind !== 'toxic') throw new Error(`not a toxic fault: ${f.kind}`);
  return {
    name: plannedToxicName(slot),
    type: f.type,
    stream: f.stream,
    toxicity: f.toxicity,
    attributes: { ...f.attributes },
  };
}

/** The toxic kind, acting through `gateway`. */
export function toxicFaults(gateway: ToxiproxyGateway): FaultKind {
  return {
    shape(slot): EventShape {
      const r = request(slot);
      return {
        kind: 'toxic',
        name: r.name,
        type: r.type,
        stream: r.stream,
        toxicity: r.toxicity,
        attributes: r.attributes,
      };
    },
    async apply(slot) {
      await gateway.addToxic(slot.proxy, request(slot));
    },
    async revert(slot, log) {
      try {
        await gateway.removeToxic(slot.proxy, request(slot));
      } catch (err) {
        log.error(
          { err: (err as Error).message, proxy: slot.proxy },
          'planned toxic could not be removed: reconciliation removes it at the next tick',
        );
      }
    },
  };
}
