/**
 * JSON output as Go's `json.Marshal` writes it, so bodies are byte-for-byte what Toxiproxy 2.12.0
 * sends: `<`, `>`, `&`, U+2028 and U+2029 escaped inside strings, int64 values exact (bigint), floats in
 * their shortest float32 form, object keys in the order given (Go's struct field order).
 */

/** The shortest decimal that reads back as the same float32 (Go's `strconv.FormatFloat(f, 'g', -1, 32)` digits). */
export function formatFloat32(value: number): string {
  const f = Math.fround(value);
  if (f === 0) return '0';
  for (let precision = 1; precision <= 9; precision++) {
    const candidate = Number(f.toPrecision(precision));
    if (Math.fround(candidate) === f) return String(candidate);
  }
  return String(f);
}

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;

function escapeHtml(json: string): string {
  return json.replace(HTML_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function encode(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return escapeHtml(JSON.stringify(value));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isSafeInteger(value) ? String(value) : formatFloat32(value);
    case 'object':
      if (Array.isArray(value)) return `[${value.map(encode).join(',')}]`;
      return `{${Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${escapeHtml(JSON.stringify(k))}:${encode(v)}`)
        .join(',')}}`;
    default:
      throw new TypeError(`cannot encode ${typeof value} as JSON`);
  }
}

/**
 * Encodes a value as Go's `json.Marshal` would.
 * @param value plain objects (keys kept in insertion order), arrays, strings, booleans, null,
 *   safe integers, bigints (int64) and other numbers (written as float32)
 * @returns compact JSON text without a trailing newline
 */
export function encodeGoJson(value: unknown): string {
  return encode(value);
}
