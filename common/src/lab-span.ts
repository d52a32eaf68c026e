/**
 * The ports one lab spans, and the one rule that keeps two labs on a machine apart. A lab binds its
 * parts' default ports shifted by `PORT_OFFSET` (registry.ts), all between the first tool service
 * (5000) and the Toxiproxy API (8474), and an agent under test often listens in between (7000). Two
 * labs whose offsets differ by less than that span can meet (one's proxy-manager 8000 is the tools of
 * the other at offset 3000; one's model proxy 6100 the search proxy of the other at offset 100), so
 * labs are kept a whole span apart, and the blocks handed out (`PORT_OFFSET=auto`, the tests'
 * `takePortBlock`) are whole multiples of {@link PORT_BLOCK_SIZE}.
 */
import { createServer } from 'node:net';
import { SERVICES, TOXIPROXY_API_PORT } from './registry.js';

/** A lab's lowest default port (the first tool service) and its highest (the Toxiproxy API), before `PORT_OFFSET`. */
export const LAB_FIRST_PORT = Math.min(...SERVICES.map((s) => s.toolPort));
export const LAB_LAST_PORT = TOXIPROXY_API_PORT;

/** The safe step between two labs' `PORT_OFFSET`s: a lab's span (5000–8474) rounded up to hundreds, 3500. */
export const PORT_BLOCK_SIZE = Math.ceil((LAB_LAST_PORT - LAB_FIRST_PORT + 1) / 100) * 100;

/**
 * Where Linux's ephemeral range starts (its default `net.ipv4.ip_local_port_range`): port-0 servers and
 * outgoing connections take their ports from there, so no block reaches it.
 */
const EPHEMERAL_FIRST_PORT = 32_768;

/**
 * The `PORT_OFFSET`s of the blocks besides the default ports, smallest first: 3500, 7000, … 21000.
 * Offset 0 is a developer's own lab's; `PORT_OFFSET=auto` tries it before these.
 */
export const PORT_BLOCK_OFFSETS: readonly number[] = Array.from(
  { length: Math.floor((EPHEMERAL_FIRST_PORT - 1 - LAB_LAST_PORT) / PORT_BLOCK_SIZE) },
  (_, i) => (i + 1) * PORT_BLOCK_SIZE,
);

/** The first and last port of the span of a lab at `offset` (inclusive). */
export function labSpan(offset: number): { readonly first: number; readonly last: number } {
  return { first: LAB_FIRST_PORT + offset, last: LAB_LAST_PORT + offset };
}

/** True when labs at these two offsets span a port in common (closer than {@link PORT_BLOCK_SIZE} may be). */
export function spansOverlap(offsetA: number, offsetB: number): boolean {
  return Math.abs(offsetA - offsetB) <= LAB_LAST_PORT - LAB_FIRST_PORT;
}

/** True when a server can listen on 127.0.0.1:`port` now (nothing else holds it). */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** True when every port of the span of a lab at `offset` can be bound now, checked 500 at a time. */
export async function spanIsFree(offset: number): Promise<boolean> {
  const { first, last } = labSpan(offset);
  for (let from = first; from <= last; from += 500) {
    const ports = Array.from({ length: Math.min(500, last - from + 1) }, (_, i) => from + i);
    if (!(await Promise.all(ports.map(portIsFree))).every(Boolean)) return false;
  }
  return true;
}
