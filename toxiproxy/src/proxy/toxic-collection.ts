/**
 * A proxy's toxics: one ordered chain per direction (insertion order), and the live links they apply
 * to. Every change is applied to the links of that direction at once (Toxiproxy 2.12.0
 * `toxic_collection.go`).
 */
import type { ApiToxic } from '../api/shapes.js';
import type { Link } from '../link/link.js';
import type { Direction, LinkToxic } from '../link/types.js';
import type { ToxicAttributes, ToxicType } from '../toxics/toxic.js';

/** A toxic on a proxy. */
export interface ToxicRecord extends LinkToxic {
  readonly type: ToxicType;
  /** The stream as it was sent (Toxiproxy shows it back unchanged). */
  readonly stream: string;
  readonly direction: Direction;
}

/** The toxics of one proxy. */
export class ToxicCollection {
  private readonly chains: Record<Direction, ToxicRecord[]> = { upstream: [], downstream: [] };

  /** @param links the proxy's live links of a direction, to apply changes to */
  constructor(private readonly links: (direction: Direction) => Iterable<Link>) {}

  /** A direction's toxics in order (what a new link starts with). */
  chain(direction: Direction): readonly ToxicRecord[] {
    return this.chains[direction];
  }

  /** Every toxic: upstream ones in order, then downstream ones. */
  list(): ToxicRecord[] {
    return [...this.chains.upstream, ...this.chains.downstream];
  }

  /** The toxic named `name` on either stream. */
  find(name: string): ToxicRecord | undefined {
    return this.chains.upstream.find((t) => t.name === name) ?? this.chains.downstream.find((t) => t.name === name);
  }

  /** Appends a toxic to its direction's chain and to every live link of that direction. */
  add(toxic: ToxicRecord): void {
    this.chains[toxic.direction].push(toxic);
    for (const link of this.links(toxic.direction)) link.addToxic(toxic);
  }

  /** Replaces a toxic's toxicity and attributes, in place in its chain and on every live link. */
  update(name: string, changes: { toxicity: number; attributes: ToxicAttributes }): ToxicRecord | undefined {
    const current = this.find(name);
    if (!current) return undefined;
    const chain = this.chains[current.direction];
    const updated: ToxicRecord = { ...current, ...changes };
    chain[chain.indexOf(current)] = updated;
    for (const link of this.links(current.direction)) link.updateToxic(updated);
    return updated;
  }

  /** Removes a toxic from its chain and from every live link. @returns false when there is none of that name */
  remove(name: string): boolean {
    const current = this.find(name);
    if (!current) return false;
    const chain = this.chains[current.direction];
    chain.splice(chain.indexOf(current), 1);
    for (const link of this.links(current.direction)) link.removeToxic(name);
    return true;
  }

  /** Removes every toxic. */
  reset(): void {
    for (const toxic of this.list()) this.remove(toxic.name);
  }

  /** The API shape of every toxic, in {@link list} order. */
  toJSON(): ApiToxic[] {
    return this.list().map(toxicShape);
  }
}

/** A toxic's API shape, fields in Go's order: attributes, name, type, stream, toxicity. */
export function toxicShape(toxic: ToxicRecord): ApiToxic {
  const attributes: Record<string, bigint> = {};
  for (const name of toxic.type.attributes) attributes[name] = toxic.attributes[name] ?? 0n;
  return { attributes, name: toxic.name, type: toxic.type.name, stream: toxic.stream, toxicity: toxic.toxicity };
}
