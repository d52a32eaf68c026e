/**
 * slicer: cuts each chunk into pieces of about `average_size` ± `size_variation` bytes and sends them
 * `delay` microseconds apart, so the reader sees the stream in many small reads (as over a real
 * network). A chunk no larger than `average_size + size_variation` passes whole. Sizes of 0 or less
 * mean 1-byte pieces; pieces are cut in a loop, so no size makes it recurse or spin.
 *
 * Attributes: `average_size` (bytes), `size_variation` (bytes), `delay` (µs between pieces).
 * Toxiproxy 2.12.0 semantics (toxics/slicer.go).
 */
import type { TimerHandle } from '../clock.js';
import { attr, type Chunk, type HeldData, type StageContext, type ToxicAttributes, type ToxicStage, type ToxicType } from './toxic.js';

/** Variation beyond this is clamped so the random draw stays exact. */
const MAX_VARIATION = 2 ** 50;

class SlicerStage implements ToxicStage {
  private readonly averageSize: number;
  private readonly variation: number;
  private readonly delayMs: number;
  /** Pieces cut and not yet sent. */
  private readonly pieces: Chunk[] = [];
  private nextDue = -Infinity;
  private pendingEnd = false;
  private timer: TimerHandle | undefined;

  constructor(
    attributes: ToxicAttributes,
    private readonly ctx: StageContext,
  ) {
    this.averageSize = attr(attributes, 'average_size');
    this.variation = Math.min(Math.max(0, attr(attributes, 'size_variation')), MAX_VARIATION);
    this.delayMs = Math.max(0, attr(attributes, 'delay')) / 1000;
  }

  /** Cuts `chunk` into pieces of about the average size. */
  private cut(chunk: Chunk): void {
    const { data } = chunk;
    let offset = 0;
    while (offset < data.length) {
      const remaining = data.length - offset;
      let size = remaining;
      if (remaining > this.averageSize + this.variation) {
        const drawn = this.variation > 0 ? this.averageSize + this.ctx.random.int(-this.variation, this.variation) : this.averageSize;
        size = Math.min(remaining, Math.max(1, drawn));
      }
      this.pieces.push({ data: data.subarray(offset, offset + size), time: chunk.time });
      offset += size;
    }
  }

  write(chunk: Chunk): void {
    const idle = this.pieces.length === 0 && this.timer === undefined;
    this.cut(chunk);
    if (idle) {
      // A new run starts now, or after the delay that follows the last piece sent.
      this.nextDue = Math.max(this.nextDue, this.ctx.clock.now());
      this.sendDue();
    }
  }

  end(): void {
    if (this.pieces.length === 0) this.ctx.out.end();
    else this.pendingEnd = true;
  }

  /** Sends the pieces whose time has come, one `delay` apart, then waits for the next. */
  private sendDue(): void {
    this.timer = undefined;
    const now = this.ctx.clock.now();
    while (this.pieces.length > 0) {
      if (this.nextDue > now) {
        this.timer = this.ctx.clock.at(this.nextDue, () => this.sendDue());
        return;
      }
      this.ctx.out.push(this.pieces.shift()!);
      this.nextDue += this.delayMs;
    }
    if (this.pendingEnd) {
      this.pendingEnd = false;
      this.ctx.out.end();
    }
  }

  interrupt(): HeldData {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    const held = { chunks: this.pieces.splice(0), ended: this.pendingEnd };
    this.pendingEnd = false;
    return held;
  }
}

/** The `slicer` toxic type. */
export const slicerToxic: ToxicType = {
  name: 'slicer',
  goName: 'SlicerToxic',
  attributes: ['average_size', 'size_variation', 'delay'],
  createStage: (attributes, ctx) => new SlicerStage(attributes, ctx),
};
