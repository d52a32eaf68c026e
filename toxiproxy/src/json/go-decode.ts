/**
 * Decoding parsed JSON into Toxiproxy's Go structs, with `encoding/json`'s rules and messages:
 * keys match fields exactly or else case-insensitively, unknown keys are ignored, `null` leaves a field
 * unchanged, integers must be integer literals within int64, floats are rounded to float32, and a type
 * mismatch is `json: cannot unmarshal <what> into Go struct field <Struct>.<path> of type <type>`.
 * Go reports the first such error after decoding the whole value; we stop at the first one, which is
 * the same message.
 */
import type { JsonValue } from './go-json.js';

/** A field's Go type. `raw` keeps the JSON value for a second pass (attributes). */
export type GoFieldKind = 'string' | 'bool' | 'int64' | 'float32' | 'raw';

/** The decoded value of one field kind. */
export type GoFieldValue<K extends GoFieldKind> = K extends 'string'
  ? string
  : K extends 'bool'
    ? boolean
    : K extends 'int64'
      ? bigint
      : K extends 'float32'
        ? number
        : JsonValue;

/** A Go struct: its name in error messages and its JSON fields. */
export interface GoStruct<F extends Record<string, GoFieldKind>> {
  /** The struct's Go name as `encoding/json` prints it in field errors (`''` for anonymous structs). */
  readonly name: string;
  /** The struct's full type as printed for a top-level mismatch, e.g. `toxiproxy.Proxy`. */
  readonly type: string;
  readonly fields: F;
  /** `raw` fields that Go decodes into a struct: their Go type, so anything but an object or null is a type error. */
  readonly structFields?: Partial<Record<keyof F, string>>;
}

/** A decoding failure with Go's message (without the `bad request body: ` prefix). */
export class GoJsonTypeError extends Error {}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const GO_TYPE: Record<Exclude<GoFieldKind, 'raw'>, string> = {
  string: 'string',
  bool: 'bool',
  int64: 'int64',
  float32: 'float32',
};

/** What Go calls a JSON value in a type error. */
function jsonKindName(value: JsonValue): string {
  return value.kind;
}

function typeError(what: string, structName: string, path: string, goType: string): GoJsonTypeError {
  return new GoJsonTypeError(
    `json: cannot unmarshal ${what} into Go struct field ${structName}.${path} of type ${goType}`,
  );
}

/** Parses an integer literal as Go's `strconv.ParseInt(s, 10, 64)`; undefined when it is not one. */
function parseInt64(text: string): bigint | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = BigInt(text);
  return n < INT64_MIN || n > INT64_MAX ? undefined : n;
}

/** Parses a number literal as Go's `strconv.ParseFloat(s, 32)`; undefined when out of range. */
function parseFloat32(text: string): number | undefined {
  const f = Math.fround(Number(text));
  return Number.isFinite(f) ? f : undefined;
}

function decodeField(
  kind: GoFieldKind,
  value: JsonValue,
  structName: string,
  path: string,
  structType?: string,
): unknown {
  if (kind === 'raw') {
    if (structType !== undefined && value.kind !== 'object')
      throw typeError(jsonKindName(value), structName, path, structType);
    return value;
  }
  const goType = GO_TYPE[kind];
  switch (kind) {
    case 'string':
      if (value.kind === 'string') return value.value;
      break;
    case 'bool':
      if (value.kind === 'bool') return value.value;
      break;
    case 'int64':
      if (value.kind === 'number') {
        const n = parseInt64(value.text);
        if (n === undefined) throw typeError(`number ${value.text}`, structName, path, goType);
        return n;
      }
      break;
    case 'float32':
      if (value.kind === 'number') {
        const f = parseFloat32(value.text);
        if (f === undefined) throw typeError(`number ${value.text}`, structName, path, goType);
        return f;
      }
      break;
  }
  throw typeError(jsonKindName(value), structName, path, goType);
}

/** Finds the field a JSON key sets: the exact name, else a case-insensitive match (Go's rule). */
function fieldFor(fields: Record<string, GoFieldKind>, key: string): string | undefined {
  if (Object.hasOwn(fields, key)) return key;
  const lower = key.toLowerCase();
  return Object.keys(fields).find((name) => name.toLowerCase() === lower);
}

/**
 * Decodes `value` into the fields of `struct`, as `json.Unmarshal` into a Go struct would.
 * @param value the parsed JSON
 * @param struct the target struct's description
 * @param context for nested structs: the Go field path leading here (e.g. `attributes`), used in messages
 * @returns the fields present and non-null in `value` (later duplicates win); `null` input → `{}`
 * @throws {GoJsonTypeError} on a type mismatch, with Go's message
 */
export function decodeGoStruct<F extends Record<string, GoFieldKind>>(
  value: JsonValue,
  struct: GoStruct<F>,
  context?: { path: string; outerStruct: string },
): { [K in keyof F]?: GoFieldValue<F[K]> } {
  const out: Record<string, unknown> = {};
  if (value.kind === 'null') return out as { [K in keyof F]?: GoFieldValue<F[K]> };
  if (value.kind !== 'object') {
    if (context) throw typeError(jsonKindName(value), context.outerStruct, context.path, struct.type);
    throw new GoJsonTypeError(`json: cannot unmarshal ${jsonKindName(value)} into Go value of type ${struct.type}`);
  }
  for (const [key, item] of value.entries) {
    const field = fieldFor(struct.fields, key);
    if (field === undefined || item.kind === 'null') continue;
    const path = context ? `${context.path}.${field}` : field;
    out[field] = decodeField(
      struct.fields[field] as GoFieldKind,
      item,
      struct.name,
      path,
      struct.structFields?.[field],
    );
  }
  return out as { [K in keyof F]?: GoFieldValue<F[K]> };
}
