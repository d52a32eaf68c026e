/**
 * The faults that fired in a run, as replayable planned faults (the units `chaos-lab shrink` keeps or
 * drops). Read from `fault_events` and the run's plan (`fault_plans`):
 *
 * - a planned fault whose trigger is not `random` (call, prompt, window, first_attempts) replays as
 *   planned: the plan's fault with its own trigger, narrowed to one target per unit (a fault on
 *   `all` or on several services becomes one unit per service it fired on, named `<fault>-<service>`);
 * - a random toxic of the chaos loop (`TOXIC_PROB`), or an event of a planned fault with a `random`
 *   trigger, replays as "during prompt N on that service's proxy, the same fault (toxic type, stream,
 *   toxicity, attributes) until as long after prompt N started as it ended": a `prompt` trigger, N
 *   being the prompt of the first tool attempt the event touched (`attempt_faults`), `durationMs` from
 *   that prompt's start to the event's end (the run's last prompt's end when it never ended). The
 *   replay's fault so covers every attempt the recorded event touched (it may start earlier in prompt N);
 *   the chaos tick it fell on is gone, the prompts it hit are what a replay can reproduce. A toxic made
 *   by hand with a Toxiproxy client (`trigger` `{"kind": "manual"}`) replays the same way, named
 *   `manual-<type>-…`: it was part of what the run met, and the replay makes it the lab's own.
 *
 * Not units: `service_down` (the launcher's record of a death, a consequence), LLM faults (`llm`, the
 * gateway's own), toxics on `model_proxy` (not a tool service), and random events that touched no tool
 * attempt (they cannot have failed one); each skipped event is listed with its reason.
 */
import { faultPlanSchema, SERVICE_NAMES, type Database, type Fault, type ServiceName } from '@chaos-lab/common';

/** One replayable fault. */
export interface ShrinkUnit {
  /** The fault as planned for a replay (its name unique among the run's units). */
  readonly fault: Fault;
  /** The fault events of the shrunk run behind it. */
  readonly eventIds: readonly number[];
}

/** An event that is not a unit, and why. */
export interface SkippedEvent {
  readonly eventId: number;
  readonly reason: string;
}

interface EventRow {
  id: number;
  kind: string;
  service: string | null;
  proxy: string | null;
  type: string;
  stream: 'upstream' | 'downstream' | null;
  toxicity: number | null;
  attributes: string;
  started_at: number;
  ended_at: number | null;
  fault: string | null;
  trigger: string | null;
}

/**
 * Where a random event's replay starts and how long it lasts: the prompt (1-based) of the first tool
 * attempt it touched, and the time from that prompt's start to the event's end; undefined when it
 * touched no attempt.
 */
function promptWindow(db: Database, runId: string, e: EventRow): { n: number; durationMs: number } | undefined {
  const first = db
    .prepare(
      `SELECT a.prompt_index AS i, p.started_at AS promptStart FROM attempt_faults a
         JOIN prompt_results p ON p.run_id = a.run_id AND p.prompt_index = a.prompt_index
        WHERE a.fault_event_id = ? ORDER BY a.attempt_started_at LIMIT 1`,
    )
    .get(e.id) as { i: number; promptStart: number } | undefined;
  if (first === undefined) return undefined;
  const end =
    e.ended_at ??
    (db.prepare('SELECT MAX(finished_at) AS t FROM prompt_results WHERE run_id = ?').get(runId) as { t: number }).t;
  return { n: first.i + 1, durationMs: Math.max(0, end - first.promptStart) };
}

/**
 * The units of a run (see the file comment), in the order the events fired.
 * @returns the units and the skipped events
 */
export function firedUnits(db: Database, runId: string): { units: ShrinkUnit[]; skipped: SkippedEvent[] } {
  const planRow = db.prepare('SELECT plan FROM fault_plans WHERE run_id = ?').get(runId) as
    | { plan: string }
    | undefined;
  const plan = planRow ? faultPlanSchema.parse(JSON.parse(planRow.plan)).faults : [];
  const events = db
    .prepare(
      'SELECT id, kind, service, proxy, type, stream, toxicity, attributes, started_at, ended_at, fault, trigger FROM fault_events WHERE run_id = ? ORDER BY started_at, id',
    )
    .all(runId) as EventRow[];
  const units: ShrinkUnit[] = [];
  const skipped: SkippedEvent[] = [];
  const byKey = new Map<string, { fault: Fault; eventIds: number[] }>();
  for (const e of events) {
    if (e.kind === 'service_down' || e.kind === 'llm') {
      skipped.push({
        eventId: e.id,
        reason: e.kind === 'llm' ? 'an LLM fault of the gateway' : "the launcher's record of a service's death",
      });
      continue;
    }
    if (e.service === null || !(SERVICE_NAMES as readonly string[]).includes(e.service)) {
      skipped.push({ eventId: e.id, reason: `on ${e.proxy ?? 'no proxy'}, not a tool service` });
      continue;
    }
    const service = e.service as ServiceName;
    const planned = e.fault === null ? undefined : plan.find((f) => f.name === e.fault);
    if (planned && planned.trigger.kind !== 'random') {
      const key = `${planned.name}\0${service}`;
      const existing = byKey.get(key);
      if (existing) existing.eventIds.push(e.id);
      else {
        const several = planned.targets === 'all' || planned.targets.length > 1;
        const unit = {
          fault: {
            ...planned,
            name: several ? `${planned.name}-${service}` : planned.name,
            targets: [service],
          } as Fault,
          eventIds: [e.id],
        };
        byKey.set(key, unit);
        units.push(unit);
      }
      continue;
    }
    const window = promptWindow(db, runId, e);
    if (window === undefined) {
      skipped.push({ eventId: e.id, reason: 'touched no tool attempt' });
      continue;
    }
    const trigger = { kind: 'prompt' as const, ...window };
    const origin = e.trigger !== null && JSON.parse(e.trigger).kind === 'manual' ? 'manual' : 'random';
    const name = `${planned ? planned.name : `${origin}-${e.type}`}-${service}-${e.id}`.slice(0, 63);
    const fault: Fault = planned
      ? ({ ...planned, name, targets: [service], trigger } as Fault)
      : {
          kind: 'toxic',
          name,
          type: e.type as Extract<Fault, { kind: 'toxic' }>['type'],
          stream: e.stream ?? 'downstream',
          toxicity: e.toxicity ?? 1,
          attributes: JSON.parse(e.attributes) as Record<string, number>,
          targets: [service],
          trigger,
        };
    units.push({ fault, eventIds: [e.id] });
  }
  return { units, skipped };
}
