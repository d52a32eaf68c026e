/**
 * The toxic interface. A toxic type (one per file in this folder) turns a toxic's attributes into a
 * {@link ToxicStage}: the per-connection, per-direction worker that sits in a link's chain and decides
 * what happens to each chunk (delay, split, drop, close). Stages never touch sockets: they push chunks
 * and EOF to their output and ask the link for the rest (a TCP reset, byte accounting).
 *
 * Attribute values arrive as int64 (bigint, exactly as sent); helpers here turn them into safe numbers.
 */
import type { Random } from '@chaos-lab/common';
import type { Clock } from '../clock.js';

/** Bytes moving through a link: `data` as read, `time` (clock ms) when read, or when last released by a delaying toxic. */
export interface Chunk {
  data: Buffer;
  time: number;
}

/** Where a stage sends what it lets through. */
export interface StageOutput {
  /** Passes a chunk to the next stage (or the writer). */
  push(chunk: Chunk): void;
  /** Ends the stream after everything pushed so far: EOF downstream, which closes the connection. */
  end(): void;
}

/** What the link gives a stage. */
export interface StageContext {
  readonly clock: Clock;
  /** This toxic's random source for this connection and direction. */
  readonly random: Random;
  readonly out: StageOutput;
  /** Reports bytes the stage discarded, so the link's flow control stays exact. */
  dropped(bytes: number): void;
  /** Makes the connection close with a TCP RST instead of a FIN. */
  resetConnection(): void;
}

/** What a stage held when it was interrupted (its toxic updated or removed), in order. */
export interface HeldData {
  chunks: Chunk[];
  /** True when the stage had received EOF and not yet passed it on. */
  ended: boolean;
}

/** One toxic at work on one direction of one connection. */
export interface ToxicStage {
  /** A chunk from upstream in the chain. */
  write(chunk: Chunk): void;
  /** EOF from upstream in the chain. */
  end(): void;
  /**
   * Stops the stage (timers cancelled) and hands back what it holds, so the link can give it to the
   * updated stage or the next one without losing or reordering bytes.
   */
  interrupt(): HeldData;
  /** When the toxic is removed: true if the connection must close rather than carry on (timeout). */
  closesOnRemoval?(): boolean;
}

/** A toxic's attributes as decoded: every attribute is an int64. */
export type ToxicAttributes = Record<string, bigint>;

/** A toxic type: its name, attribute names, and how to build a stage. */
export interface ToxicType {
  /** The type name used in the API, e.g. `latency`. */
  readonly name: string;
  /** The Go struct name, used in attribute type errors (e.g. `LatencyToxic`). */
  readonly goName: string;
  /** Attribute names in Go's field order (all int64). */
  readonly attributes: readonly string[];
  /** True for a toxic that leaves bytes alone: links skip it entirely. */
  readonly passthrough?: boolean;
  /** Per-connection state that survives updates of the toxic (limit_data's byte count). */
  newState?(): unknown;
  /** Builds the stage for one connection direction. `state` is from {@link newState}. */
  createStage(attributes: ToxicAttributes, context: StageContext, state: unknown): ToxicStage;
}

/** Largest delay or size a toxic acts on: beyond this (about 285 years in ms) values are clamped. */
const MAX_MAGNITUDE = 2 ** 53 - 1;

/** An int64 attribute as a safe number, clamped to ±2^53 - 1 (0 when absent). */
export function attr(attributes: ToxicAttributes, name: string): number {
  const value = attributes[name] ?? 0n;
  if (value > BigInt(MAX_MAGNITUDE)) return MAX_MAGNITUDE;
  if (value < -BigInt(MAX_MAGNITUDE)) return -MAX_MAGNITUDE;
  return Number(value);
}

/** What a stage that holds nothing between calls returns when interrupted. */
export function nothingHeld(): HeldData {
  return { chunks: [], ended: false };
}
