/**
 * How the proxy-manager tells the lab's own toxics from hand-made ones, by name: the chaos loop names
 * its toxics `chaos_<type>_<stream>` (`chaos/draw.ts`), the fault schedule `plan_<fault>_<service>`
 * (`schedule/faults/toxic.ts`). A toxic on a lab proxy whose name starts otherwise was made by hand
 * (any Toxiproxy client): reconciliation keeps it and the loop records it as a manual fault. Those two
 * prefixes are reserved: a hand-made toxic named with one is taken for a lab toxic left behind (a
 * crashed manager, an ended run) and removed. See docs/toxiproxy.md.
 */

/** Prefix of the chaos loop's toxic names. */
export const LOOP_TOXIC_PREFIX = 'chaos_';

/** Prefix of the fault schedule's (planned) toxic names. */
export const PLANNED_TOXIC_PREFIX = 'plan_';

/** True when `name` is a name the lab gives its own toxics (`chaos_…`, `plan_…`); false for a hand-made toxic. */
export function isLabToxicName(name: string): boolean {
  return name.startsWith(LOOP_TOXIC_PREFIX) || name.startsWith(PLANNED_TOXIC_PREFIX);
}
