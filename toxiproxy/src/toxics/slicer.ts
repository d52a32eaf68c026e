/**
 * slicer: cuts each chunk into pieces of about `average_size` ± `size_variation` bytes and sends them
 * `delay` microseconds apart, so the reader sees the stream in many small reads (as over a real
 * network). A chunk no larger than `average_size + size_variation` passes whole. Sizes of 0 or less
 * mean 1-byte pieces; pieces are cut in a loop, so no size makes it recurse or spin.
 *
 * Attributes: `average_size` (bytes), `size_variation` (bytes), `delay` (µs between pieces).
 * Toxiproxy 2.12.0 semantics (toxics/slicer.go).
 */
import { attr, type Chunk, type StageContext, type ToxicAttributes, type ToxicType } from './toxic.js';
import { TimedReleaseStage } from './timed-release.js';

/** Variation beyond this is clamped so the random draw stays exact. */
const MAX_VARIATION = 2 ** 50;

class SlicerStage extends TimedReleaseStage {
  private readonly averageSize: number;
  private readonly variation: number;
  private readonly delayMs: number;
  /** Pieces cut and not yet sent. */
  private readonly pieces: Chunk[] = [];
  /**
   * When the next piece may leave: `delay` after the last one was actually sent, as Toxiproxy sleeps
   * `delay` after each piece. Counting from when it was due instead would let a late timer release
   * the pieces it fell behind on together, and the reader would see them in one read.
   */
  private pieceDue = -Infinity;

  constructor(attributes: ToxicAttributes, ctx: StageContext) {
    super(ctx);
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
        const drawn =
          this.variation > 0
            ? this.averageSize + this.ctx.random.int(-this.variation, this.variation)
            : this.averageSize;
        size = Math.min(remaining, Math.max(1, drawn));
      }
      this.pieces.push({ data: data.subarray(offset, offset + size), time: chunk.time });
      offset += size;
    }
  }

  write(chunk: Chunk): void {
    const idle = this.pieces.length === 0;
    this.cut(chunk);
    if (idle) {
      // A new run starts now, or after the delay that follows the last piece sent.
      this.pieceDue = Math.max(this.pieceDue, this.ctx.clock.now());
      this.release();
    }
  }

  protected nextDue(): number | undefined {
    return this.pieces.length === 0 ? undefined : this.pieceDue;
  }

  protected releaseNext(): void {
    this.ctx.out.push(this.pieces.shift()!);
    this.pieceDue = this.ctx.clock.now() + this.delayMs;
  }

  protected takeHeld(): Chunk[] {
    return this.pieces.splice(0);
  }
}

/** The `slicer` toxic type. */
export const slicerToxic: ToxicType = {
  name: 'slicer',
  goName: 'SlicerToxic',
  attributes: ['average_size', 'size_variation', 'delay'],
  createStage: (attributes, ctx) => new SlicerStage(attributes, ctx),
};
