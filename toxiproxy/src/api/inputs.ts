/**
 * Request bodies of the API, read with Go's rules (see `json/`), in the order of checks Toxiproxy
 * 2.12.0 makes, each failure an {@link ApiError} from the error table.
 */
import { decodeGoStruct, GoJsonTypeError, type GoStruct } from '../json/go-decode.js';
import { GoJsonSyntaxError, readGoJson, type JsonValue } from '../json/go-json.js';
import type { Direction } from '../link/types.js';
import { getToxicType } from '../toxics/registry.js';
import type { ToxicAttributes, ToxicType } from '../toxics/toxic.js';
import {
  ErrBadRequestBody,
  ErrInvalidStream,
  ErrInvalidToxicType,
  ErrMissingField,
  ErrToxicAlreadyExists,
} from './errors.js';

/** Runs a decoding step, turning Go JSON errors into `bad request body: <detail>`. */
function decoding<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof GoJsonSyntaxError || err instanceof GoJsonTypeError) throw ErrBadRequestBody.join(err.message);
    throw err;
  }
}

/**
 * Parses a request body as Go's `json.Decoder.Decode` (first value only).
 * @throws {ApiError} 400 `bad request body: EOF` for an empty body, or the parser's detail
 */
export function parseBody(text: string): JsonValue {
  return decoding(() => readGoJson(text));
}

const PROXY_STRUCT: GoStruct<{ name: 'string'; listen: 'string'; upstream: 'string'; enabled: 'bool' }> = {
  name: 'Proxy',
  type: 'toxiproxy.Proxy',
  fields: { name: 'string', listen: 'string', upstream: 'string', enabled: 'bool' },
};

const POPULATE_ENTRY_STRUCT: GoStruct<{ name: 'string'; listen: 'string'; upstream: 'string'; enabled: 'bool' }> = {
  name: '',
  type: 'struct { toxiproxy.Proxy; Enabled *bool "json:\\"enabled\\"" }',
  fields: PROXY_STRUCT.fields,
};

/** A proxy as sent to create or populate. */
export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** A proxy from its decoded fields: absent strings are empty, absent `enabled` is true. */
function proxyInput(fields: { name?: string; listen?: string; upstream?: string; enabled?: boolean }): ProxyInput {
  return {
    name: fields.name ?? '',
    listen: fields.listen ?? '',
    upstream: fields.upstream ?? '',
    enabled: fields.enabled ?? true,
  };
}

function requireProxyFields(input: ProxyInput, suffix: string): void {
  if (input.name.length < 1) throw ErrMissingField.join(`name${suffix}`);
  if (input.upstream.length < 1) throw ErrMissingField.join(`upstream${suffix}`);
}

/**
 * The body of `POST /proxies`.
 * @throws {ApiError} 400 bad body, 400 `missing required field: name|upstream`
 */
export function proxyCreateInput(body: JsonValue): ProxyInput {
  const input = proxyInput(decoding(() => decodeGoStruct(body, PROXY_STRUCT)));
  requireProxyFields(input, '');
  return input;
}

/**
 * The body of `POST|PATCH /proxies/{proxy}`: omitted fields keep the current values.
 * @throws {ApiError} 400 bad body
 */
export function proxyUpdateInput(body: JsonValue, current: Omit<ProxyInput, 'name'>): Omit<ProxyInput, 'name'> {
  const fields = decoding(() => decodeGoStruct(body, PROXY_STRUCT));
  return {
    listen: fields.listen ?? current.listen,
    upstream: fields.upstream ?? current.upstream,
    enabled: fields.enabled ?? current.enabled,
  };
}

/**
 * The body of `POST /populate`: an array of proxies, all validated before anything changes.
 * @returns the proxies (`null` body: none)
 * @throws {ApiError} 400 bad body (an object is a type error), 400 `missing required field: name at proxy N`
 */
export function populateInput(body: JsonValue): ProxyInput[] {
  if (body.kind === 'null') return [];
  if (body.kind !== 'array') {
    throw ErrBadRequestBody.join(
      `json: cannot unmarshal ${body.kind} into Go value of type []${POPULATE_ENTRY_STRUCT.type}`,
    );
  }
  const inputs = decoding(() => body.items.map((item) => proxyInput(decodeGoStruct(item, POPULATE_ENTRY_STRUCT))));
  inputs.forEach((input, i) => {
    requireProxyFields(input, ` at proxy ${i + 1}`);
  });
  return inputs;
}

const TOXIC_WRAPPER_STRUCT: GoStruct<{
  attributes: 'raw';
  name: 'string';
  type: 'string';
  stream: 'string';
  toxicity: 'float32';
}> = {
  name: 'ToxicWrapper',
  type: 'toxics.ToxicWrapper',
  fields: { attributes: 'raw', name: 'string', type: 'string', stream: 'string', toxicity: 'float32' },
  // Before the type is known, Go decodes the attributes into a NoopToxic.
  structFields: { attributes: 'toxics.NoopToxic' },
};

const TOXIC_UPDATE_STRUCT: GoStruct<{ attributes: 'raw'; toxicity: 'float32' }> = {
  name: '',
  type: 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 "json:\\"toxicity\\"" }',
  fields: { attributes: 'raw', toxicity: 'float32' },
};

/** A toxic as created: the API's fields plus its resolved type and direction. */
export interface ToxicInput {
  name: string;
  type: ToxicType;
  /** The stream as sent (or `downstream`); shown back as sent. */
  stream: string;
  direction: Direction;
  toxicity: number;
  attributes: ToxicAttributes;
}

/** Decodes a toxic's `attributes` object into its type's int64 fields, over `base`. */
function decodeAttributes(type: ToxicType, value: JsonValue | undefined, base: ToxicAttributes): ToxicAttributes {
  if (value === undefined) return { ...base };
  const struct: GoStruct<Record<string, 'int64'>> = {
    name: type.goName,
    type: `toxics.${type.goName}`,
    fields: Object.fromEntries(type.attributes.map((a) => [a, 'int64' as const])),
  };
  const decoded = decoding(() => decodeGoStruct(value, struct, { path: 'attributes', outerStruct: '' }));
  const merged: ToxicAttributes = {};
  for (const name of type.attributes) merged[name] = decoded[name] ?? base[name] ?? 0n;
  return merged;
}

/** Parses a stream name as Toxiproxy does (case-insensitive). */
function parseDirection(stream: string): Direction | undefined {
  const lower = stream.toLowerCase();
  return lower === 'upstream' || lower === 'downstream' ? lower : undefined;
}

/**
 * The body of `POST /proxies/{proxy}/toxics`, checked in Toxiproxy's order: body, stream, type,
 * name free, attributes.
 * @param exists whether a toxic of that name is already on the proxy (either stream)
 * @throws {ApiError} 400 bad body / invalid stream / invalid toxic type, 409 toxic already exists
 */
export function toxicCreateInput(body: JsonValue, exists: (name: string) => boolean): ToxicInput {
  const fields = decoding(() => decodeGoStruct(body, TOXIC_WRAPPER_STRUCT));
  const stream = fields.stream ?? 'downstream';
  const direction = parseDirection(stream);
  if (!direction) throw ErrInvalidStream;
  const typeName = fields.type ?? '';
  const name = fields.name || `${typeName}_${stream}`;
  const type = getToxicType(typeName);
  if (!type) throw ErrInvalidToxicType;
  if (exists(name)) throw ErrToxicAlreadyExists;
  const attributes = decodeAttributes(type, fields.attributes, {});
  return { name, type, stream, direction, toxicity: fields.toxicity ?? 1, attributes };
}

/**
 * The body of `POST|PATCH /proxies/{proxy}/toxics/{toxic}`: attributes merge into the current ones,
 * toxicity is replaced when given.
 * @throws {ApiError} 400 bad body
 */
export function toxicUpdateInput(
  body: JsonValue,
  current: { type: ToxicType; toxicity: number; attributes: ToxicAttributes },
): { toxicity: number; attributes: ToxicAttributes } {
  const fields = decoding(() => decodeGoStruct(body, TOXIC_UPDATE_STRUCT));
  const attributes = decodeAttributes(current.type, fields.attributes, current.attributes);
  return { toxicity: fields.toxicity ?? current.toxicity, attributes };
}
