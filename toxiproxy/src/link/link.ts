/**
 * A link: one direction of a proxied connection, carrying bytes from a source socket to a destination
 * socket through the toxics of that direction, in insertion order.
 *
 *                              Link (e.g. downstream: upstream server → client)
 *               ┌──────────────────────────────────────────────────────────────────────┐
 *   source  ───►│ reader ──► [stage 1] ──► [stage 2] ──► … ──► [stage n] ──► writer    │───► destination
 *   socket      │   │          toxic        toxic                toxic         │        │     socket
 *               │   └──────────────── no active toxic: straight to ──────────►┘        │
 *               └──────────────────────────────────────────────────────────────────────┘
 *                 pause ◄── flow control: destination full, or too many bytes in stages
 *
 * Each stage is one toxic at work on this link (a {@link ToxicStage}); a toxic whose toxicity roll
 * failed, or that never changes bytes (noop), keeps its place in the order but gets no stage, so with
 * no active toxic the reader hands each chunk to the writer directly: a plain pipe. Toxicity is rolled
 * from the link's seeded random source when the link starts and again for a toxic when it is added or
 * updated; the other toxics keep their roll, so a connection does not flip in and out of a toxic that
 * nobody changed.
 *
 * Toxics change while the link runs. A new toxic goes at the end of the chain; an updated one is
 * interrupted and what it held is fed to its replacement; a removed one hands what it held to the next
 * stage. All of it happens synchronously between two events, so no byte is lost or reordered.
 *
 * EOF flows through the stages after the data, like a chunk; a toxic may also end the stream itself
 * (timeout, limit_data, reset_peer). When EOF reaches the writer the link is over and its owner closes
 * the connection (Toxiproxy 2.12.0: when one direction ends, the other ends too).
 */
import type { Socket } from 'node:net';
import type { Random } from '@chaos-lab/common';
import type { Clock } from '../clock.js';
import type { Chunk, HeldData, StageContext } from '../toxics/toxic.js';
import { Node, Writer, type Sink } from './chain.js';
import type { Direction, LinkCounters, LinkToxic } from './types.js';

/** What a link reports to its connection. */
export interface LinkOwner {
  /** True once a toxic asked for the connection to close with a TCP RST. */
  readonly resetting: boolean;
  /** Asks for the connection to close with a TCP RST. */
  requestReset(): void;
  /** EOF reached the writer: the destination must be closed and the other direction ended. */
  linkEnded(link: Link): void;
}

/** Options of a {@link Link}. */
export interface LinkOptions {
  direction: Direction;
  source: Socket;
  destination: Socket;
  clock: Clock;
  /** This link's random source: toxicity rolls and the toxics' own draws. */
  random: Random;
  /** The direction's toxics at the time the link starts, in order. */
  toxics: readonly LinkToxic[];
  counters: LinkCounters;
  owner: LinkOwner;
  /** Bytes held in stages above which the reader pauses (default 8 MiB). */
  highWaterBytes?: number;
}

/** Default bytes in stages above which reading pauses; reading resumes below half of it. */
const DEFAULT_HIGH_WATER_BYTES = 8 * 1024 * 1024;

/** One direction of a proxied connection (see the diagram above). */
export class Link {
  readonly direction: Direction;
  readonly source: Socket;
  readonly destination: Socket;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly counters: LinkCounters;
  private readonly owner: LinkOwner;
  private readonly writer: Writer;
  private readonly nodes: Node[] = [];
  private readonly highWaterBytes: number;
  /** First sink of the chain: the first active node, or the writer. */
  private head: Sink;
  /** Bytes inside stages (entered from the reader, not yet at the writer or dropped). */
  private queuedBytes = 0;
  private destinationBlocked = false;
  private paused = false;
  private sourceEnded = false;
  private disposed = false;

  constructor(options: LinkOptions) {
    this.direction = options.direction;
    this.source = options.source;
    this.destination = options.destination;
    this.clock = options.clock;
    this.random = options.random;
    this.counters = options.counters;
    this.owner = options.owner;
    this.highWaterBytes = options.highWaterBytes ?? DEFAULT_HIGH_WATER_BYTES;
    this.writer = new Writer(
      this.destination,
      this.counters,
      this,
      () => {
        this.destinationBlocked = true;
        this.updateFlow();
      },
      () => this.owner.linkEnded(this),
    );
    this.head = this.writer;
    for (const toxic of options.toxics) this.nodes.push(this.activate(new Node(toxic, this)));
    this.relink();
    this.source.on('data', this.onData);
    this.source.on('end', this.onSourceEnd);
    this.source.on('close', this.onSourceEnd);
    this.destination.on('drain', this.onDrain);
  }

  /** True once EOF reached the writer. */
  get ended(): boolean {
    return this.writer.ended;
  }

  private readonly onData = (data: Buffer): void => {
    this.counters.received += data.length;
    if (this.head === this.writer) {
      this.writer.writeData(data);
      return;
    }
    this.queuedBytes += data.length;
    this.head.write({ data, time: this.clock.now() });
    this.updateFlow();
  };

  private readonly onSourceEnd = (): void => {
    if (this.sourceEnded) return;
    this.sourceEnded = true;
    this.source.off('data', this.onData);
    this.head.end();
  };

  private readonly onDrain = (): void => {
    this.destinationBlocked = false;
    this.updateFlow();
  };

  /** Stops reading the source and ends the stream after what the stages hold (the other direction ended). */
  endSource(): void {
    this.onSourceEnd();
  }

  /** Pauses or resumes the source from the destination's state and the bytes held in stages. */
  private updateFlow(): void {
    if (this.sourceEnded || this.disposed) return;
    const pause = this.destinationBlocked || this.queuedBytes > this.highWaterBytes;
    const resume = !this.destinationBlocked && this.queuedBytes <= this.highWaterBytes / 2;
    if (pause && !this.paused) {
      this.paused = true;
      this.source.pause();
    } else if (resume && this.paused) {
      this.paused = false;
      this.source.resume();
    }
  }

  /** Bytes that left the stages: written by the writer, or thrown away by a stage or node. */
  leftStages(bytes: number): void {
    this.queuedBytes -= bytes;
    if (this.paused) this.updateFlow();
  }

  /** Passes on a chunk `node`'s stage let through; after its EOF (or the link's end) the chunk is dropped. */
  private forward(node: Node, chunk: Chunk): void {
    if (node.outputEnded || this.disposed) this.leftStages(chunk.data.length);
    else node.next.write(chunk);
  }

  /** Gives `node` a stage if its toxic applies to this link (toxicity roll) and changes bytes. */
  private activate(node: Node): Node {
    const { toxic } = node;
    if (toxic.type.passthrough || !this.random.chance(toxic.toxicity)) {
      node.stage = null;
      return node;
    }
    const context: StageContext = {
      clock: this.clock,
      random: this.random.fork(`${toxic.name}#${node.generation++}`),
      out: {
        push: (chunk) => this.forward(node, chunk),
        end: () => this.endOutput(node),
      },
      dropped: (bytes) => this.leftStages(bytes),
      resetConnection: () => this.owner.requestReset(),
    };
    node.stage = toxic.type.createStage(toxic.attributes, context, node.state);
    return node;
  }

  private endOutput(node: Node): void {
    if (node.outputEnded || this.disposed) return;
    node.outputEnded = true;
    node.next.end();
  }

  /** Points every node at the next active one and the reader at the first. */
  private relink(): void {
    let next: Sink = this.writer;
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const node = this.nodes[i]!;
      node.next = next;
      if (node.stage) next = node;
    }
    this.head = next;
  }

  /** Passes what an interrupted stage held on to `node.next` (and EOF if it held it). */
  private passOn(node: Node, held: HeldData, closes = false): void {
    for (const chunk of held.chunks) this.forward(node, chunk);
    if (held.ended || closes) this.endOutput(node);
  }

  /** Appends a toxic to the chain (Toxiproxy adds new toxics at the end). */
  addToxic(toxic: LinkToxic): void {
    if (this.disposed || this.ended) return;
    this.nodes.push(this.activate(new Node(toxic, this)));
    this.relink();
  }

  /** Replaces a toxic's settings; what its stage held goes to the new stage, in order. */
  updateToxic(toxic: LinkToxic): void {
    const node = this.nodes.find((n) => n.toxic.name === toxic.name);
    if (!node || this.disposed || this.ended) return;
    const held = node.stage?.interrupt() ?? { chunks: [], ended: false };
    node.toxic = toxic;
    this.activate(node);
    this.relink();
    const { stage } = node;
    if (!stage) {
      this.passOn(node, held);
      return;
    }
    for (const chunk of held.chunks) stage.write(chunk);
    if (held.ended) stage.end();
  }

  /** Removes a toxic; what its stage held goes on to the next one, in order. */
  removeToxic(name: string): void {
    const index = this.nodes.findIndex((n) => n.toxic.name === name);
    if (index < 0 || this.disposed) return;
    const node = this.nodes[index]!;
    this.nodes.splice(index, 1);
    const stage = node.stage;
    node.stage = null;
    this.relink();
    if (!stage || this.ended) return;
    const closes = stage.closesOnRemoval?.() ?? false;
    this.passOn(node, stage.interrupt(), closes);
  }

  /** Stops every stage (cancelling timers, dropping what they hold) and detaches from the sockets. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const node of this.nodes) node.stage?.interrupt();
    this.source.off('data', this.onData);
    this.source.off('end', this.onSourceEnd);
    this.source.off('close', this.onSourceEnd);
    this.destination.off('drain', this.onDrain);
  }
}
