/**
 * latency: delays every chunk by `latency` ± `jitter` milliseconds, counted from the moment the chunk
 * was read (its `time`), so the waits of consecutive chunks overlap: a stream read 1 ms apart leaves
 * 1 ms apart, each chunk `latency` late, instead of queueing behind one another. Bytes are never
 * reordered: a chunk whose jitter would let it leave before the previous one waits for it. A released
 * chunk carries its release time, so a second latency toxic in the same direction adds its own delay.
 *
 * Attributes: `latency` (ms), `jitter` (ms): each chunk's delay is drawn uniformly from
 * [latency - jitter, latency + jitter); a negative delay counts as none.
 * Toxiproxy 2.12.0 semantics (toxics/latency.go).
 */
import { attr, type Chunk, type StageContext, type ToxicAttributes, type ToxicType } from './toxic.js';
import { TimedReleaseStage } from './timed-release.js';

/** Jitter beyond this many ms (about 35 years) is clamped so the random draw stays exact. */
const MAX_JITTER_MS = 2 ** 50;

class LatencyStage extends TimedReleaseStage {
  private readonly latencyMs: number;
  private readonly jitterMs: number;
  /** Chunks waiting, each with its release deadline (non-decreasing). */
  private readonly queue: Array<{ chunk: Chunk; due: number }> = [];
  private lastDue = -Infinity;

  constructor(attributes: ToxicAttributes, ctx: StageContext) {
    super(ctx);
    this.latencyMs = attr(attributes, 'latency');
    this.jitterMs = Math.min(attr(attributes, 'jitter'), MAX_JITTER_MS);
  }

  private delayMs(): number {
    if (this.jitterMs <= 0) return this.latencyMs;
    return this.latencyMs + this.ctx.random.int(-this.jitterMs, this.jitterMs - 1);
  }

  write(chunk: Chunk): void {
    const due = Math.max(chunk.time + this.delayMs(), this.lastDue);
    this.lastDue = due;
    if (this.queue.length === 0 && due <= this.ctx.clock.now()) {
      this.ctx.out.push(chunk);
      return;
    }
    this.queue.push({ chunk, due });
    if (this.queue.length === 1) this.release();
  }

  protected nextDue(): number | undefined {
    return this.queue[0]?.due;
  }

  protected releaseNext(due: number): void {
    const { chunk } = this.queue.shift()!;
    chunk.time = due;
    this.ctx.out.push(chunk);
  }

  protected takeHeld(): Chunk[] {
    return this.queue.splice(0).map((q) => q.chunk);
  }
}

/** The `latency` toxic type. */
export const latencyToxic: ToxicType = {
  name: 'latency',
  goName: 'LatencyToxic',
  attributes: ['latency', 'jitter'],
  createStage: (attributes, ctx) => new LatencyStage(attributes, ctx),
};
