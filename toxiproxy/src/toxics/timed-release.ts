/**
 * What the toxics that hold chunks and let each go at a deadline (latency, bandwidth, slicer) share:
 * the release loop on one timer, an EOF that waits behind the last held piece, and an interrupt that
 * cancels the timer and hands back what is held, in order. Each toxic decides only what it holds,
 * when the next piece is due and how it leaves.
 */
import type { TimerHandle } from '../clock.js';
import type { Chunk, HeldData, StageContext, ToxicStage } from './toxic.js';

/** A stage that holds pieces of the stream and releases them in order, each at its deadline. */
export abstract class TimedReleaseStage implements ToxicStage {
  private timer: TimerHandle | undefined;
  private pendingEnd = false;

  /** @param ctx the link's context for this stage */
  constructor(protected readonly ctx: StageContext) {}

  abstract write(chunk: Chunk): void;

  /** Deadline (clock ms) of the next held piece; undefined when nothing is held. */
  protected abstract nextDue(): number | undefined;

  /** Sends the next held piece on: its deadline `due` (from {@link nextDue}) has come. */
  protected abstract releaseNext(due: number): void;

  /** Empties the stage, returning what it held in the order it would have left. */
  protected abstract takeHeld(): Chunk[];

  /** Releases every piece that is due, then waits for the next deadline; EOF follows the last piece. */
  protected release(): void {
    this.timer = undefined;
    const now = this.ctx.clock.now();
    for (let due = this.nextDue(); due !== undefined; due = this.nextDue()) {
      if (due > now) {
        this.timer = this.ctx.clock.at(due, () => this.release());
        return;
      }
      this.releaseNext(due);
    }
    if (this.pendingEnd) {
      this.pendingEnd = false;
      this.ctx.out.end();
    }
  }

  end(): void {
    if (this.nextDue() === undefined) this.ctx.out.end();
    else this.pendingEnd = true;
  }

  interrupt(): HeldData {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    const held = { chunks: this.takeHeld(), ended: this.pendingEnd };
    this.pendingEnd = false;
    return held;
  }
}
