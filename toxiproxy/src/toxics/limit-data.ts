/**
 * limit_data: lets through at most `bytes` bytes per connection and direction (cutting the chunk that
 * crosses the limit), then closes the connection. The count survives updates of the toxic, so raising
 * the limit lets the rest through and lowering it below what was sent closes at the next chunk.
 *
 * Attributes: `bytes` (bytes).
 * Toxiproxy 2.12.0 semantics (toxics/limit_data.go).
 */
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

/** Bytes passed so far on one connection direction. */
interface LimitDataState {
  transmitted: number;
}

class LimitDataStage implements ToxicStage {
  private readonly limit: number;
  private closed = false;

  constructor(
    attributes: ToxicAttributes,
    private readonly ctx: StageContext,
    private readonly state: LimitDataState,
  ) {
    this.limit = attr(attributes, 'bytes');
  }

  write(chunk: Chunk): void {
    if (this.closed) {
      this.ctx.dropped(chunk.data.length);
      return;
    }
    const remaining = Math.max(0, this.limit - this.state.transmitted);
    const keep = Math.min(remaining, chunk.data.length);
    if (keep < chunk.data.length) this.ctx.dropped(chunk.data.length - keep);
    if (keep > 0) {
      this.state.transmitted += keep;
      this.ctx.out.push(keep === chunk.data.length ? chunk : { data: chunk.data.subarray(0, keep), time: chunk.time });
    }
    if (this.limit - this.state.transmitted <= 0) {
      this.closed = true;
      this.ctx.out.end();
    }
  }

  end(): void {
    if (this.closed) return;
    this.closed = true;
    this.ctx.out.end();
  }

  interrupt(): HeldData {
    return nothingHeld();
  }
}

/** The `limit_data` toxic type. */
export const limitDataToxic: ToxicType = {
  name: 'limit_data',
  goName: 'LimitDataToxic',
  attributes: ['bytes'],
  newState: (): LimitDataState => ({ transmitted: 0 }),
  createStage: (attributes, ctx, state) => new LimitDataStage(attributes, ctx, state as LimitDataState),
};
