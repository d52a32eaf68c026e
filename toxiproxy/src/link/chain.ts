/**
 * The links of a link's chain (link.ts): a node per toxic, holding its stage while it is active, and
 * the writer at the end, which writes to the destination socket. Bytes a stage lets through or drops
 * are reported back to the link, which counts what its stages hold for flow control.
 */
import type { Socket } from 'node:net';
import type { Chunk, ToxicStage } from '../toxics/toxic.js';
import type { LinkCounters, LinkToxic } from './types.js';

/** What the chain tells its link: bytes that left the stages (let through, or dropped). */
export interface StageBytes {
  leftStages(bytes: number): void;
}

/** Something chunks and EOF can be handed to: a stage's node or the writer. */
export interface Sink {
  write(chunk: Chunk): void;
  end(): void;
}

/** One toxic's place in the chain. */
export class Node implements Sink {
  stage: ToxicStage | null = null;
  /** The next active node, or the writer. */
  next!: Sink;
  inputEnded = false;
  outputEnded = false;
  /** Counts stage generations, so a replaced stage draws fresh random numbers. */
  generation = 0;
  readonly state: unknown;

  constructor(
    public toxic: LinkToxic,
    private readonly link: StageBytes,
  ) {
    this.state = toxic.type.newState?.();
  }

  write(chunk: Chunk): void {
    if (this.inputEnded || !this.stage) this.link.leftStages(chunk.data.length);
    else this.stage.write(chunk);
  }

  end(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.stage?.end();
  }
}

/** The end of the chain: writes to the destination socket. */
export class Writer implements Sink {
  ended = false;

  constructor(
    private readonly destination: Socket,
    private readonly counters: LinkCounters,
    private readonly link: StageBytes,
    private readonly onBlocked: () => void,
    private readonly onEnd: () => void,
  ) {}

  /** Writes bytes straight from the reader (no active toxic). */
  writeData(data: Buffer): void {
    if (this.ended || this.destination.destroyed || this.destination.writableEnded) return;
    this.counters.sent += data.length;
    if (!this.destination.write(data)) this.onBlocked();
  }

  /** Writes a chunk the last stage let through: its bytes leave the stages. */
  write(chunk: Chunk): void {
    this.writeData(chunk.data);
    this.link.leftStages(chunk.data.length);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}
