/**
 * reset_peer: on the first chunk (or EOF) of its direction, discards it (and everything after it),
 * waits `timeout` milliseconds, then closes the connection with a TCP RST (SO_LINGER 0) so the peers
 * see "connection reset by peer" rather than a clean close. `timeout = 0` resets at once.
 *
 * Attributes: `timeout` (ms).
 * Toxiproxy 2.12.0 semantics (toxics/reset_peer.go); the RST is sent on every connection, including
 * those opened before the toxic was added (the Go server only manages that for newer ones).
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

class ResetPeerStage implements ToxicStage {
  private readonly timeoutMs: number;
  private triggered = false;
  private fired = false;
  private timer: TimerHandle | undefined;

  constructor(
    attributes: ToxicAttributes,
    private readonly ctx: StageContext,
  ) {
    this.timeoutMs = attr(attributes, 'timeout');
  }

  private trigger(): void {
    if (this.triggered) return;
    this.triggered = true;
    this.timer = this.ctx.clock.at(this.ctx.clock.now() + this.timeoutMs, () => {
      this.fired = true;
      this.ctx.resetConnection();
      this.ctx.out.end();
    });
  }

  write(chunk: Chunk): void {
    this.ctx.dropped(chunk.data.length);
    this.trigger();
  }

  end(): void {
    this.trigger();
  }

  interrupt(): HeldData {
    this.ctx.clock.cancel(this.timer);
    this.timer = undefined;
    if (!this.triggered || this.fired) return nothingHeld();
    // Data was already discarded: a reset once triggered still happens, now rather than later.
    this.ctx.resetConnection();
    return { chunks: [], ended: true };
  }
}

/** The `reset_peer` toxic type. */
export const resetPeerToxic: ToxicType = {
  name: 'reset_peer',
  goName: 'ResetToxic',
  attributes: ['timeout'],
  createStage: (attributes, ctx) => new ResetPeerStage(attributes, ctx),
};
