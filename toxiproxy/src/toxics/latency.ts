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
import type { TimerHandle } from '../clock.js';
import { attr, type Chunk, type HeldData, type StageContext, type ToxicAttributes, type ToxicStage, type ToxicType } from './toxic.js';

/** Jitter beyond this many ms (about 35 years) is clamped so the random draw stays exact. */
const MAX_JITTER_MS = 2 ** 50;

class LatencyStage implements ToxicStage {
  private readonly latencyMs: number;
  private readonly jitterMs: number;
  /** Chunks waiting, each with its release deadline (non-decreasing). */
  private readonly queue: Array<{ chunk: Chunk; due: number }> = [];
  private lastDue = -Infinity;
  private pendingEnd = false;
  private timer: TimerHandle | undefined;

  constructor(
    attributes: ToxicAttributes,
    private readonly ctx: StageContext,
  ) {
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
    if (this.queue.length === 1) this.schedule();
  }

  end(): void {
    if (this.queue.length === 0) this.ctx.out.end();
    else this.pendingEnd = true;
  }

  private schedule(): void {
    const head = this.queue[0];
    if (head) this.timer = this.ctx.clock.at(head.due, () => this.release(), { precise: true });
  }

  private release(): void {
    this.timer = undefined;
    const now = this.ctx.clock.now();
    while (this.queue.length > 0 && this.queue[0]!.due <= now) {
      const { chunk, due } = this.queue.shift()!;
      chunk.time = due;
      this.ctx.out.push(chunk);
    }
    if (this.queue.length > 0) this.schedule();
    else if (this.pendingEnd) {
      this.pendingEnd = false;
      this.ctx.out.end();
    }
  }

  interrupt(): HeldData {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    const held = { chunks: this.queue.map((q) => q.chunk), ended: this.pendingEnd };
    this.queue.length = 0;
    this.pendingEnd = false;
    return held;
  }
}

/** The `latency` toxic type. */
export const latencyToxic: ToxicType = {
  name: 'latency',
  goName: 'LatencyToxic',
  attributes: ['latency', 'jitter'],
  createStage: (attributes, ctx) => new LatencyStage(attributes, ctx),
};
