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
import { attr, type Chunk, type StageContext, type ToxicAttributes, type ToxicType } from './toxic.js';
import { TimedReleaseStage } from './timed-release.js';

/** Most data, in milliseconds of the rate, sent as one piece. */
const PIECE_MS = 10;

class BandwidthStage extends TimedReleaseStage {
  private readonly rateBytesPerMs: number;
  private readonly pieceBytes: number;
  private readonly queue: Chunk[] = [];
  /** Bytes of `queue[0]` already sent. */
  private offset = 0;
  /** Deadline by which every byte sent so far was due. */
  private scheduleEnd = -Infinity;

  constructor(attributes: ToxicAttributes, ctx: StageContext) {
    super(ctx);
    this.rateBytesPerMs = attr(attributes, 'rate');
    this.pieceBytes = Math.max(1, Math.floor(this.rateBytesPerMs * PIECE_MS));
  }

  write(chunk: Chunk): void {
    // Unlimited: nothing is ever queued, so passing straight on keeps the order.
    if (this.rateBytesPerMs <= 0) {
      this.ctx.out.push(chunk);
      return;
    }
    this.queue.push(chunk);
    if (this.queue.length === 1) {
      // Starting a busy run: the schedule begins now, not at the end of an earlier run.
      this.scheduleEnd = Math.max(this.scheduleEnd, this.ctx.clock.now());
      this.release();
    }
  }

  /** Size of the next piece of `queue[0]`. */
  private nextPiece(): number {
    return Math.min(this.pieceBytes, this.queue[0]!.data.length - this.offset);
  }

  protected nextDue(): number | undefined {
    return this.queue.length === 0 ? undefined : this.scheduleEnd + this.nextPiece() / this.rateBytesPerMs;
  }

  protected releaseNext(due: number): void {
    const head = this.queue[0]!;
    const size = this.nextPiece();
    this.scheduleEnd = due;
    const piece =
      this.offset === 0 && size === head.data.length
        ? head
        : { data: head.data.subarray(this.offset, this.offset + size), time: head.time };
    this.offset += size;
    if (this.offset >= head.data.length) {
      this.queue.shift();
      this.offset = 0;
    }
    this.ctx.out.push(piece);
  }

  protected takeHeld(): Chunk[] {
    const chunks = this.queue.map((c, i) =>
      i === 0 && this.offset > 0 ? { data: c.data.subarray(this.offset), time: c.time } : c,
    );
    this.queue.length = 0;
    this.offset = 0;
    return chunks;
  }
}

/** The `bandwidth` toxic type. */
export const bandwidthToxic: ToxicType = {
  name: 'bandwidth',
  goName: 'BandwidthToxic',
  attributes: ['rate'],
  createStage: (attributes, ctx) => new BandwidthStage(attributes, ctx),
};
