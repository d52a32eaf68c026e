/**
 * The toxic registry: every toxic type by its API name. A new toxic is one file in this folder plus
 * one line here.
 */
import { bandwidthToxic } from './bandwidth.js';
import { latencyToxic } from './latency.js';
import { limitDataToxic } from './limit-data.js';
import { noopToxic } from './noop.js';
import { resetPeerToxic } from './reset-peer.js';
import { slicerToxic } from './slicer.js';
import { slowCloseToxic } from './slow-close.js';
import { timeoutToxic } from './timeout.js';
import type { ToxicType } from './toxic.js';

const registry = new Map<string, ToxicType>(
  [
    latencyToxic,
    bandwidthToxic,
    slowCloseToxic,
    timeoutToxic,
    resetPeerToxic,
    slicerToxic,
    limitDataToxic,
    noopToxic,
  ].map((t) => [t.name, t]),
);

/** The toxic type registered under `name` (case-sensitive, as in Toxiproxy), or undefined. */
export function getToxicType(name: string): ToxicType | undefined {
  return registry.get(name);
}

/** Every registered toxic type name. */
export function toxicTypeNames(): string[] {
  return [...registry.keys()];
}
