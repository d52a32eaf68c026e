/**
 * The faults that fired in a run, as replayable planned faults (the units `chaos-lab shrink` keeps or
 * drops). Read from `fault_events` and the run's plan (`fault_plans`):
 *
 * - a planned fault whose trigger is not `random` (call, prompt, window, first_attempts) replays as
 *   planned: the plan's fault with its own trigger, narrowed to one target per unit (a fault on
 *   `all` or on several services becomes one unit per service it fired on, named `<fault>-<service>`);
 * - a random toxic of the chaos loop (`TOXIC_PROB`), or an event of a planned fault with a `random`
 *   trigger, replays as "during prompt N on that service's proxy, the same fault (toxic type, stream,
 *   toxicity, attributes) for as long as it lasted": a `prompt` trigger, N being the prompt in
 *   progress when the event started (or the next one to start), `durationMs` its recorded duration
 *   (until the next prompt when it never ended). The chaos tick it fell on is gone; the prompt it hit
 *   is what a replay can reproduce.
 *
 * Not units: `service_down` (the launcher's record of a death, a consequence), LLM faults (`llm`, the
 * gateway's own), toxics on `model_proxy` (not a tool service), and events that started after the last
 * prompt (they touched nothing); each skipped event is listed with its reason.
 */
import { SERVICE_NAMES, type Database, type ServiceName } from '@chaos-lab/common';
import { faultPlanSchema, type Fault } from '@chaos-lab/proxy-manager';

/** One replayable fault. */
export interface ShrinkUnit {
  /** The fault as planned for a replay (its name unique among the run's units). */
  readonly fault: Fault;
  /** The fault events of the original run behind it. */
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
}

/** The 1-based prompt in progress at `at`, or the next one to start; undefined after the last. */
function promptAt(db: Database, runId: string, at: number): number | undefined {
  const row = db
    .prepare(
      `SELECT prompt_index AS i FROM prompt_results WHERE run_id = ? AND finished_at >= ?
        ORDER BY (started_at <= ?) DESC, started_at, prompt_index LIMIT 1`,
    )
    .get(runId, at, at) as { i: number } | undefined;
  return row === undefined ? undefined : row.i + 1;
}

/**
 * The units of a run (see the file comment), in the order the events fired.
 * @returns the units and the skipped events
 */
export function firedUnits(db: Database, runId: string): { units: ShrinkUnit[]; skipped: SkippedEvent[] } {
  const planRow = db.prepare('SELECT plan FROM fault_plans WHERE run_id = ?').get(runId) as { plan: string } | undefined;
  const plan = planRow ? faultPlanSchema.parse(JSON.parse(planRow.plan)).faults : [];
  const events = db
    .prepare("SELECT id, kind, service, proxy, type, stream, toxicity, attributes, started_at, ended_at, fault FROM fault_events WHERE run_id = ? ORDER BY started_at, id")
    .all(runId) as EventRow[];
  const units: ShrinkUnit[] = [];
  const skipped: SkippedEvent[] = [];
  const byKey = new Map<string, { fault: Fault; eventIds: number[] }>();
  for (const e of events) {
    if (e.kind === 'service_down' || e.kind === 'llm') {
      skipped.push({ eventId: e.id, reason: e.kind === 'llm' ? 'an LLM fault of the gateway' : "the launcher's record of a service's death" });
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
        const unit = { fault: { ...planned, name: several ? `${planned.name}-${service}` : planned.name, targets: [service] } as Fault, eventIds: [e.id] };
        byKey.set(key, unit);
        units.push(unit);
      }
      continue;
    }
    const n = promptAt(db, runId, e.started_at);
    if (n === undefined) {
      skipped.push({ eventId: e.id, reason: 'started after the last prompt' });
      continue;
    }
    const trigger = { kind: 'prompt' as const, n, ...(e.ended_at === null ? {} : { durationMs: Math.max(0, e.ended_at - e.started_at) }) };
    const name = `${planned ? planned.name : `random-${e.type}`}-${service}-${e.id}`.slice(0, 63);
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
