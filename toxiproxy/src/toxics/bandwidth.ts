/**
 * bandwidth: limits the direction to `rate` KB/s, i.e. `rate` bytes per millisecond. Bytes leave on a
 * schedule computed from when the first of a busy run arrived (each piece's deadline is the previous
 * one plus its size / rate), so a late timer never shifts later deadlines: the error stays bounded by
 * one timer delay instead of adding up. Large chunks are cut into pieces of at most 10 ms of data so
 * the flow is smooth; an idle link earns no burst credit.
 *
 * Attributes: `rate` (KB/s = bytes/ms); `rate <= 0` means unlimited.
 * Toxiproxy 2.12.0 semantics (toxics/bandwidth.go), with a finer slicing than its 100 ms.
 */
import type { TimerHandle } from '../clock.js';
import { attr, type Chunk, type HeldData, type StageContext, type ToxicAttributes, type ToxicStage, type ToxicType } from './toxic.js';

/** Most data, in milliseconds of the rate, sent as one piece. */
const PIECE_MS = 10;

class BandwidthStage implements ToxicStage {
  private readonly rateBytesPerMs: number;
  private readonly pieceBytes: number;
  private readonly queue: Chunk[] = [];
  /** Bytes of `queue[0]` already sent. */
  private offset = 0;
  /** Deadline by which every byte sent so far was due. */
  private scheduleEnd = -Infinity;
  private pendingEnd = false;
  private timer: TimerHandle | undefined;

  constructor(
    attributes: ToxicAttributes,
    private readonly ctx: StageContext,
  ) {
    this.rateBytesPerMs = attr(attributes, 'rate');
    this.pieceBytes = Math.max(1, Math.floor(this.rateBytesPerMs * PIECE_MS));
  }

  write(chunk: Chunk): void {
    if (this.rateBytesPerMs <= 0 && this.queue.length === 0) {
      this.ctx.out.push(chunk);
      return;
    }
    this.queue.push(chunk);
    if (this.queue.length === 1) {
      // Starting a busy run: the schedule begins now, not at the end of an earlier run.
      this.scheduleEnd = Math.max(this.scheduleEnd, this.ctx.clock.now());
      this.sendDue();
    }
  }

  end(): void {
    if (this.queue.length === 0) this.ctx.out.end();
    else this.pendingEnd = true;
  }

  /** Size of the next piece of `queue[0]`. */
  private nextPiece(): number {
    return Math.min(this.pieceBytes, this.queue[0]!.data.length - this.offset);
  }

  /** Sends every piece whose deadline has passed, then waits for the next one. */
  private sendDue(): void {
    this.timer = undefined;
    const now = this.ctx.clock.now();
    while (this.queue.length > 0) {
      const head = this.queue[0]!;
      if (this.rateBytesPerMs <= 0) {
        this.queue.shift();
        this.ctx.out.push(this.offset === 0 ? head : { data: head.data.subarray(this.offset), time: head.time });
        this.offset = 0;
        continue;
      }
      const size = this.nextPiece();
      const due = this.scheduleEnd + size / this.rateBytesPerMs;
      if (due > now) {
        this.timer = this.ctx.clock.at(due, () => this.sendDue());
        return;
      }
      this.scheduleEnd = due;
      const piece = this.offset === 0 && size === head.data.length ? head : { data: head.data.subarray(this.offset, this.offset + size), time: head.time };
      this.offset += size;
      if (this.offset >= head.data.length) {
        this.queue.shift();
        this.offset = 0;
      }
      this.ctx.out.push(piece);
    }
    if (this.pendingEnd) {
      this.pendingEnd = false;
      this.ctx.out.end();
    }
  }

  interrupt(): HeldData {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    const chunks = this.queue.map((c, i) => (i === 0 && this.offset > 0 ? { data: c.data.subarray(this.offset), time: c.time } : c));
    const held = { chunks, ended: this.pendingEnd };
    this.queue.length = 0;
    this.offset = 0;
    this.pendingEnd = false;
    return held;
  }
}

/** The `bandwidth` toxic type. */
export const bandwidthToxic: ToxicType = {
  name: 'bandwidth',
  goName: 'BandwidthToxic',
  attributes: ['rate'],
  createStage: (attributes, ctx) => new BandwidthStage(attributes, ctx),
};
