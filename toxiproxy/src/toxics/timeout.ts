/**
 * timeout: drops every byte of the direction. With `timeout > 0` it closes the connection once
 * `timeout` milliseconds pass without incoming data (each dropped chunk starts the wait again); with
 * `timeout = 0` it holds the connection open, silent, until the toxic is removed. Removing it closes
 * the connections it was holding.
 *
 * Attributes: `timeout` (ms).
 * Toxiproxy 2.12.0 semantics (toxics/timeout.go).
 */
import type { TimerHandle } from '../clock.js';
import {
  attr,
  nothingHeld,
  type Chunk,
  type HeldData,
  type StageContext,
  type ToxicAttributes,
  type ToxicStage,
  type ToxicType,
} from './toxic.js';

class TimeoutStage implements ToxicStage {
  private readonly timeoutMs: number;
  private closed = false;
  private timer: TimerHandle | undefined;

  constructor(
    attributes: ToxicAttributes,
    private readonly ctx: StageContext,
  ) {
    this.timeoutMs = attr(attributes, 'timeout');
    this.arm();
  }

  private arm(): void {
    this.ctx.clock.cancel(this.timer);
    if (this.timeoutMs <= 0 || this.closed) return;
    this.timer = this.ctx.clock.at(this.ctx.clock.now() + this.timeoutMs, () => this.close());
  }

  private close(): void {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    if (this.closed) return;
    this.closed = true;
    this.ctx.out.end();
  }

  write(chunk: Chunk): void {
    this.ctx.dropped(chunk.data.length);
    this.arm();
  }

  end(): void {
    this.close();
  }

  interrupt(): HeldData {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    return nothingHeld();
  }

  closesOnRemoval(): boolean {
    return !this.closed;
  }
}

/** The `timeout` toxic type. */
export const timeoutToxic: ToxicType = {
  name: 'timeout',
  goName: 'TimeoutToxic',
  attributes: ['timeout'],
  createStage: (attributes, ctx) => new TimeoutStage(attributes, ctx),
};
