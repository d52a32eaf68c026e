/**
 * A JSON reader that fails the way Go's `encoding/json` Decoder does, so error bodies read
 * `bad request body: <detail>` with the detail Toxiproxy 2.12.0 would give.
 *
 * Go semantics kept on purpose:
 * - `Decoder.Decode` reads the first JSON value only; anything after it is ignored.
 * - An empty (or all-whitespace) body is `EOF`; a value cut short is `unexpected EOF`.
 * - Syntax errors use the scanner's wording, e.g. `invalid character 'x' looking for beginning of value`.
 * - Number literals are kept as text so integer attributes can be checked exactly (no float rounding).
 * - Arrays and objects nest at most 10,000 deep (Go's scanner `maxNestingDepth`); the bracket that goes
 *   deeper fails with `invalid character '[' exceeded max depth`, so a hostile body is a 400, not a
 *   stack overflow.
 */

/** A parsed JSON value; numbers keep their literal text. */
export type JsonValue =
  | { readonly kind: 'null' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'number'; readonly text: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'array'; readonly items: JsonValue[] }
  | { readonly kind: 'object'; readonly entries: Array<[string, JsonValue]> };

/** A syntax error with Go's message text. */
export class GoJsonSyntaxError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Deepest nesting of arrays and objects Go's scanner accepts (`encoding/json` `maxNestingDepth`). */
export const MAX_NESTING_DEPTH = 10_000;

/** The one-character escapes of a JSON string and what they stand for. */
const JSON_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

const GO_ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  92: '\\\\',
};

/**
 * Go's `quoteChar`: how the scanner names an offending character in messages. The scanner works on
 * bytes, so a non-ASCII character is named by its first UTF-8 byte read as a Latin-1 character, and
 * unprintable ones are escaped as `strconv.Quote` does.
 */
function quoteChar(ch: string): string {
  if (ch === "'") return `'\\''`;
  if (ch === '"') return `'"'`;
  const byte = Buffer.from(ch, 'utf8')[0] ?? 0;
  if (GO_ESCAPES[byte]) return `'${GO_ESCAPES[byte]}'`;
  if (byte < 0x20 || byte === 0x7f) return `'\\x${byte.toString(16).padStart(2, '0')}'`;
  if (byte >= 0x80 && byte < 0xa0) return `'\\u00${byte.toString(16)}'`;
  if (byte === 0xad) return `'\\u00ad'`;
  return `'${String.fromCharCode(byte)}'`;
}

class Reader {
  private pos = 0;
  /** Arrays and objects open around the reading position. */
  private depth = 0;
  constructor(private readonly text: string) {}

  private fail(context: string): never {
    throw new GoJsonSyntaxError(`invalid character ${quoteChar(this.charAt(this.pos))} ${context}`);
  }

  private charAt(i: number): string {
    const cp = this.text.codePointAt(i);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  }

  private eof(): never {
    throw new GoJsonSyntaxError('unexpected EOF');
  }

  /** The character at the reading position; `unexpected EOF` at the end of the text. */
  private peek(): string {
    if (this.pos >= this.text.length) this.eof();
    return this.text[this.pos]!;
  }

  private skipWs(): void {
    while (this.pos < this.text.length && WS.has(this.text.charCodeAt(this.pos))) this.pos++;
  }

  /** Reads the first value; `EOF` when there is none. */
  first(): JsonValue {
    this.skipWs();
    if (this.pos >= this.text.length) throw new GoJsonSyntaxError('EOF');
    return this.value();
  }

  /**
   * Reads one value. Arrays and objects are filled from an explicit stack of open containers rather
   * than by recursion, so the nesting depth never touches the call stack; the deepest container opened
   * is bounded by {@link MAX_NESTING_DEPTH} as Go's scanner bounds it.
   */
  private value(): JsonValue {
    const open: Container[] = [];
    for (;;) {
      this.skipWs();
      const c = this.peek();
      let done: JsonValue;
      if (c === '[' || c === '{') {
        const container: Container = c === '[' ? { close: ']', items: [] } : { close: '}', entries: [], key: '' };
        if (!this.opensEmpty(container.close)) {
          if (container.entries) container.key = this.key();
          open.push(container);
          continue;
        }
        done = finished(container);
      } else {
        done = this.scalar(c);
      }
      // A value is complete: add it to the innermost container, closing every container that ends here.
      for (;;) {
        const top = open.at(-1);
        if (!top) return done;
        if (top.items) top.items.push(done);
        else top.entries!.push([top.key!, done]);
        if (!this.closes(top.close, top.items ? 'after array element' : 'after object key:value pair')) {
          if (top.entries) top.key = this.key();
          break;
        }
        open.pop();
        done = finished(top);
      }
    }
  }

  /** A string, number or literal starting with `c`. */
  private scalar(c: string): JsonValue {
    switch (c) {
      case '"':
        return { kind: 'string', value: this.string() };
      case 't':
        this.literal('true');
        return { kind: 'bool', value: true };
      case 'f':
        this.literal('false');
        return { kind: 'bool', value: false };
      case 'n':
        this.literal('null');
        return { kind: 'null' };
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return { kind: 'number', text: this.number() };
        return this.fail('looking for beginning of value');
    }
  }

  private literal(word: string): void {
    for (let i = 0; i < word.length; i++) {
      if (this.peek() !== word[i]) this.fail(`in literal ${word} (expecting ${quoteChar(word[i] as string)})`);
      this.pos++;
    }
  }

  private digits(context: string): void {
    const c = this.peek();
    if (c < '0' || c > '9') this.fail(context);
    while (this.pos < this.text.length && this.text[this.pos]! >= '0' && this.text[this.pos]! <= '9') this.pos++;
  }

  private number(): string {
    const start = this.pos;
    if (this.text[this.pos] === '-') {
      this.pos++;
      const c = this.peek();
      if (c < '0' || c > '9') this.fail('in numeric literal');
    }
    if (this.text[this.pos] === '0') this.pos++;
    else this.digits('in numeric literal');
    if (this.text[this.pos] === '.') {
      this.pos++;
      this.digits('after decimal point in numeric literal');
    }
    if (this.text[this.pos] === 'e' || this.text[this.pos] === 'E') {
      this.pos++;
      if (this.text[this.pos] === '+' || this.text[this.pos] === '-') this.pos++;
      this.digits('in exponent of numeric literal');
    }
    // A number at the very end of the body is complete only if the body really ends there; Go's
    // Decoder treats a trailing number as complete at EOF, so nothing more to check.
    return this.text.slice(start, this.pos);
  }

  private string(): string {
    this.pos++; // opening quote
    let out = '';
    let runStart = this.pos;
    for (;;) {
      if (this.pos >= this.text.length) this.eof();
      const code = this.text.charCodeAt(this.pos);
      if (code === 0x22) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        return out;
      }
      if (code < 0x20) this.fail('in string literal');
      if (code === 0x5c) {
        out += this.text.slice(runStart, this.pos);
        this.pos++;
        const e = this.peek();
        if (Object.hasOwn(JSON_ESCAPES, e)) {
          out += JSON_ESCAPES[e];
          this.pos++;
        } else if (e === 'u') {
          this.pos++;
          let hex = '';
          for (let i = 0; i < 4; i++) {
            const h = this.peek();
            if (!/[0-9a-fA-F]/.test(h)) this.fail('in \\u hexadecimal character escape');
            hex += h;
            this.pos++;
          }
          out += String.fromCharCode(parseInt(hex, 16));
        } else {
          this.fail('in string escape code');
        }
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  /** At an opening bracket: reads it; true (and the closing one read) when the list is empty. */
  private opensEmpty(close: string): boolean {
    if (++this.depth > MAX_NESTING_DEPTH) this.fail('exceeded max depth');
    this.pos++;
    this.skipWs();
    if (this.peek() !== close) return false;
    this.pos++;
    this.depth--;
    return true;
  }

  /** After a list element: true at the closing bracket, false at a `,` (either read); else fails with `context`. */
  private closes(close: string, context: string): boolean {
    this.skipWs();
    const c = this.peek();
    if (c !== ',' && c !== close) this.fail(context);
    this.pos++;
    if (c === close) this.depth--;
    return c === close;
  }

  /** An object key and its colon. */
  private key(): string {
    this.skipWs();
    if (this.peek() !== '"') this.fail('looking for beginning of object key string');
    const key = this.string();
    this.skipWs();
    if (this.peek() !== ':') this.fail('after object key');
    this.pos++;
    return key;
  }
}

/** An array or object being read: its closing bracket and what it holds so far. */
interface Container {
  close: ']' | '}';
  items?: JsonValue[];
  entries?: Array<[string, JsonValue]>;
  /** For an object: the key whose value is being read. */
  key?: string;
}

function finished(container: Container): JsonValue {
  return container.items ? { kind: 'array', items: container.items } : { kind: 'object', entries: container.entries! };
}

/**
 * Reads the first JSON value of `text` as Go's `json.Decoder.Decode` would.
 * @returns the value
 * @throws {GoJsonSyntaxError} with Go's message (`EOF`, `unexpected EOF`, `invalid character …`)
 */
export function readGoJson(text: string): JsonValue {
  return new Reader(text).first();
}
