/**
 * slow_close: lets every byte through unchanged, but holds the end of the stream (EOF, and so the
 * close of the connection) for `delay` milliseconds.
 *
 * Attributes: `delay` (ms).
 * Toxiproxy 2.12.0 semantics (toxics/slow_close.go).
 */
import type { TimerHandle } from '../clock.js';
import {
  attr,
  type Chunk,
  type HeldData,
  type StageContext,
  type ToxicAttributes,
  type ToxicStage,
  type ToxicType,
} from './toxic.js';

class SlowCloseStage implements ToxicStage {
  private readonly delayMs: number;
  private pendingEnd = false;
  private timer: TimerHandle | undefined;

  constructor(
    attributes: ToxicAttributes,
    private readonly ctx: StageContext,
  ) {
    this.delayMs = attr(attributes, 'delay');
  }

  write(chunk: Chunk): void {
    this.ctx.out.push(chunk);
  }

  end(): void {
    this.pendingEnd = true;
    this.timer = this.ctx.clock.at(this.ctx.clock.now() + this.delayMs, () => {
      this.pendingEnd = false;
      this.ctx.out.end();
    });
  }

  interrupt(): HeldData {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    const held = { chunks: [], ended: this.pendingEnd };
    this.pendingEnd = false;
    return held;
  }
}

/** The `slow_close` toxic type. */
export const slowCloseToxic: ToxicType = {
  name: 'slow_close',
  goName: 'SlowCloseToxic',
  attributes: ['delay'],
  createStage: (attributes, ctx) => new SlowCloseStage(attributes, ctx),
};
