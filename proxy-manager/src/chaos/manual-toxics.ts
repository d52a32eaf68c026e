/**
 * Hand-made toxics: toxics someone added to one of the lab's proxies with a Toxiproxy client
 * (`POST /proxies/{proxy}/toxics`, toxiproxy-cli, …), told from the lab's own by their names
 * (`toxiproxy/toxic-names.ts`). They are the user's: the manager never removes them (not at the end of
 * a run either), but records each as a manual fault, so the attribution views and the blast radius
 * count what it did: one `fault_events` row (kind `toxic`, `trigger` `{"kind":"manual"}`, with its
 * proxy, service, name, type, stream, toxicity and attributes), opened at the first listing that shows
 * it and closed at the first that no longer does, so both times are up to one chaos tick
 * (`CHAOS_INTERVAL_MS`) late. `ended_by`:
 *
 *   removed          gone from Toxiproxy (removed by hand, its proxy deleted, Toxiproxy restarted)
 *   changed          updated (type, stream, toxicity or attributes): a new row follows with the new values
 *   run_changed      another run became current: a new row follows, in that run
 *   manager_stopped  the manager stopped watching; the toxic may still be on its proxy
 *
 * A write the database refuses is a lasting condition (`manual toxics`), retried at the next listing.
 */
import type { HandMadeToxic } from '../toxiproxy/reconcile.js';
import type { LoopContext } from './context.js';
import { closeToxicEvent, MANUAL_TRIGGER, openToxicEvent } from './toxic-events.js';

/** A hand-made toxic with its open event. */
interface RecordedToxic {
  readonly seen: HandMadeToxic;
  /** Its values as JSON, to notice an update. */
  readonly values: string;
  readonly runId: string | undefined;
  readonly eventId: number;
}

/** The hand-made toxics the loop records; see the file comment. */
export class ManualToxics {
  private readonly ctx: LoopContext;
  /** By `proxy/toxic`. */
  private readonly recorded = new Map<string, RecordedToxic>();

  constructor(ctx: LoopContext) {
    this.ctx = ctx;
  }

  /** The open `fault_events` rows of the hand-made toxics. */
  eventIds(): ReadonlySet<number> {
    return new Set([...this.recorded.values()].map((r) => r.eventId));
  }

  /**
   * Brings the record in line with one listing of Toxiproxy: closes the events of toxics gone, changed
   * or of another run, and opens one for every hand-made toxic not recorded yet.
   * @param seen every hand-made toxic on the manager's proxies in this listing
   * @param runId the run the events belong to (the current run), undefined when there is none
   */
  observe(seen: readonly HandMadeToxic[], runId: string | undefined): void {
    const now = this.ctx.deps.clock.now();
    const byKey = new Map(seen.map((s) => [keyOf(s), s]));
    try {
      for (const [key, r] of this.recorded) {
        const still = byKey.get(key);
        const endedBy = !still
          ? 'removed'
          : valuesOf(still) !== r.values
            ? 'changed'
            : r.runId !== runId
              ? 'run_changed'
              : undefined;
        if (endedBy) this.close(key, r, now, endedBy);
      }
      for (const [key, s] of byKey) if (!this.recorded.has(key)) this.open(key, s, runId, now);
    } catch (err) {
      this.report(`cannot record hand-made toxics (${(err as Error).message}); retrying`, runId);
      return;
    }
    this.report(undefined, runId);
  }

  /** Closes every event (the toxics stay where they are): the manager stops watching. */
  closeAll(): void {
    const now = this.ctx.deps.clock.now();
    try {
      for (const [key, r] of this.recorded) this.close(key, r, now, 'manager_stopped');
    } catch (err) {
      this.report(`cannot close the events of hand-made toxics (${(err as Error).message})`, undefined);
    }
  }

  private open(key: string, s: HandMadeToxic, runId: string | undefined, now: number): void {
    const { toxic, proxy } = s;
    const eventId = openToxicEvent(this.ctx.deps.db, {
      runId: runId ?? null,
      proxy,
      name: toxic.name,
      type: toxic.type,
      stream: toxic.stream,
      toxicity: toxic.toxicity,
      attributes: toxic.attributes,
      startedAt: now,
      trigger: MANUAL_TRIGGER,
    });
    this.recorded.set(key, { seen: s, values: valuesOf(s), runId, eventId });
    this.ctx
      .logFor(runId)
      .info(
        { proxy, toxic: toxic.name, type: toxic.type, stream: toxic.stream, attributes: toxic.attributes, eventId },
        'hand-made toxic found: kept (it is the user’s), recorded as a manual fault',
      );
  }

  private close(key: string, r: RecordedToxic, now: number, endedBy: string): void {
    closeToxicEvent(this.ctx.deps.db, r.eventId, now, endedBy);
    this.recorded.delete(key);
    this.ctx
      .logFor(r.runId)
      .info(
        { proxy: r.seen.proxy, toxic: r.seen.toxic.name, eventId: r.eventId, endedBy },
        'manual fault event of a hand-made toxic closed',
      );
  }

  private report(problem: string | undefined, runId: string | undefined): void {
    this.ctx.conditions.report('manual toxics', problem, this.ctx.logFor(runId));
  }
}

function keyOf(s: HandMadeToxic): string {
  return `${s.proxy}/${s.toxic.name}`;
}

function valuesOf(s: HandMadeToxic): string {
  const { type, stream, toxicity, attributes } = s.toxic;
  return JSON.stringify({ type, stream, toxicity, attributes });
}
