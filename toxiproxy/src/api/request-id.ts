/**
 * Request ids in the form Toxiproxy's API gives them (`X-Toxiproxy-Request-Id`, an xid): 12 bytes (4 of
 * Unix seconds, 3 of machine id, 2 of process id, 3 of a counter) as 20 lowercase base32hex digits.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';

const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

function base32hex(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * Makes a request-id generator.
 * @param nowMs the wall clock (ms since the epoch), injectable for tests
 * @returns a function giving a new 20-character id on each call, ordered by time then counter
 */
export function createRequestIds(nowMs: () => number = Date.now): () => string {
  const machine = createHash('sha256').update(hostname()).digest().subarray(0, 3);
  const pid = process.pid & 0xffff;
  let counter = (process.pid * 2654435761) >>> 8;
  return () => {
    const bytes = new Uint8Array(12);
    const seconds = Math.floor(nowMs() / 1000);
    bytes[0] = (seconds >>> 24) & 0xff;
    bytes[1] = (seconds >>> 16) & 0xff;
    bytes[2] = (seconds >>> 8) & 0xff;
    bytes[3] = seconds & 0xff;
    bytes.set(machine, 4);
    bytes[7] = pid >>> 8;
    bytes[8] = pid & 0xff;
    counter = (counter + 1) & 0xffffff;
    bytes[9] = counter >>> 16;
    bytes[10] = (counter >>> 8) & 0xff;
    bytes[11] = counter & 0xff;
    return base32hex(bytes);
  };
}
