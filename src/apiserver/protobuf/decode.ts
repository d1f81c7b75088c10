/**
 * The generic decoder: turns the bytes of one message into the JSON object the rest of the
 * server handles, following a Schema. Unknown field numbers are skipped; a known field with
 * the wrong wire type, bytes that do not parse, or nesting deeper than MAX_DEPTH are
 * `malformed` errors. Map keys are set as own properties, so a key such as "__proto__" is data,
 * never a prototype. The special encodings are in specials.ts; this module reads no envelope.
 */
import { malformed } from './errors.js';
import { type FieldSpec, isScalar, isSpecial, type Schema } from './schema.js';
import { base64, decodeSpecial, type NestedDecoder } from './specials.js';
import {
  BYTES,
  FIXED64,
  readFields,
  readPackedDoubles,
  readPackedVarints,
  toDouble,
  toInt32,
  toInt64,
  toText,
  VARINT,
  type WireField,
} from './wire.js';

export const MAX_DEPTH = 100;

export interface DecodeOptions {
  /** Decodes a nested `k8s\0` envelope found in a RawExtension (depth is the current nesting). */
  nested?: NestedDecoder;
}

type Json = Record<string, unknown>;

interface Ctx {
  schema: Schema;
  opts: DecodeOptions;
}

/** Decodes the message `type` from `bytes`. Throws a plain Error if `type` has no schema (a bug). */
export function decodeMessage(
  schema: Schema,
  type: string,
  bytes: Uint8Array,
  opts: DecodeOptions = {},
  depth = 0,
): Json {
  return message({ schema, opts }, type, bytes, depth);
}

function message(ctx: Ctx, type: string, bytes: Uint8Array, depth: number): Json {
  const fields = ctx.schema.message(type);
  if (!fields) throw new Error(`protobuf schema: no message ${type}`);
  if (depth > MAX_DEPTH) throw malformed(`messages nested deeper than ${MAX_DEPTH} levels`);
  const out: Json = {};
  for (const wf of readFields(bytes)) {
    const f = fields.get(wf.num);
    if (!f) continue;
    switch (f.shape) {
      case 'inline':
        Object.assign(out, message(ctx, f.type, lengthDelimited(wf, type, f), depth + 1));
        break;
      case 'map': {
        const [key, value] = mapEntry(ctx, type, f, lengthDelimited(wf, type, f), depth + 1);
        let map = out[f.name] as Json | undefined;
        if (map === undefined) {
          map = {};
          out[f.name] = map;
        }
        setOwn(map, key, value);
        break;
      }
      case 'repeated': {
        let list = out[f.name] as unknown[] | undefined;
        if (list === undefined) {
          list = [];
          out[f.name] = list;
        }
        appendRepeated(ctx, type, f, wf, list, depth + 1);
        break;
      }
      case 'single': {
        const value = single(ctx, type, f, wf, depth + 1);
        const previous = out[f.name];
        if (value === undefined || (!f.keepZero && isZero(f.type, value))) delete out[f.name];
        else if (isObject(previous) && isObject(value) && ctx.schema.message(f.type))
          Object.assign(previous, value);
        else out[f.name] = value;
        break;
      }
    }
  }
  return out;
}

/** One value of a non-repeated field; undefined when it is absent in JSON (an empty Time). */
function single(ctx: Ctx, owner: string, f: FieldSpec, wf: WireField, depth: number): unknown {
  switch (f.type) {
    case 'int32':
      return toInt32(varint(wf, owner, f));
    case 'int64':
      return toInt64(varint(wf, owner, f));
    case 'bool':
      return varint(wf, owner, f) !== 0n;
    case 'double': {
      if (wf.type !== FIXED64) throw wrongWireType(owner, f, wf, 'fixed64');
      return finite(toDouble(wf.bytes));
    }
    case 'string':
      return toText(lengthDelimited(wf, owner, f));
    case 'bytes':
      return base64(lengthDelimited(wf, owner, f));
    default: {
      const body = lengthDelimited(wf, owner, f);
      if (isSpecial(f.type)) return decodeSpecial(f.type, body, ctx.opts.nested, depth);
      return message(ctx, f.type, body, depth);
    }
  }
}

function appendRepeated(
  ctx: Ctx,
  owner: string,
  f: FieldSpec,
  wf: WireField,
  list: unknown[],
  depth: number,
) {
  const packed = wf.type === BYTES;
  if (packed && (f.type === 'int32' || f.type === 'int64' || f.type === 'bool')) {
    const convert = f.type === 'int32' ? toInt32 : f.type === 'int64' ? toInt64 : (v: bigint) => v !== 0n;
    for (const v of readPackedVarints(wf.bytes)) list.push(convert(v));
    return;
  }
  if (packed && f.type === 'double') {
    for (const v of readPackedDoubles(wf.bytes)) list.push(finite(v));
    return;
  }
  list.push(single(ctx, owner, f, wf, depth) ?? null);
}

/** A map entry: key (field 1) and value (field 2); a missing part is its type's zero value. */
function mapEntry(
  ctx: Ctx,
  owner: string,
  f: FieldSpec,
  bytes: Uint8Array,
  depth: number,
): [string, unknown] {
  let key = '';
  let value: unknown;
  const valueSpec: FieldSpec = { name: f.name, shape: 'single', type: f.type, keepZero: true };
  for (const wf of readFields(bytes)) {
    if (wf.num === 1) key = toText(lengthDelimited(wf, owner, f));
    else if (wf.num === 2) value = single(ctx, owner, valueSpec, wf, depth);
  }
  return [key, value === undefined ? zeroValue(ctx, f.type) : value];
}

function zeroValue(ctx: Ctx, type: string): unknown {
  switch (type) {
    case 'string':
    case 'bytes':
      return '';
    case 'int32':
    case 'int64':
    case 'double':
    case 'IntOrString':
      return 0;
    case 'bool':
      return false;
    case 'Quantity':
      return '0';
    case 'Duration':
      return '0s';
    case 'StringList':
      return [];
    case 'Time':
    case 'MicroTime':
    case 'RawExtension':
      return null;
    default:
      return ctx.schema.message(type) ? {} : null;
  }
}

function isZero(type: string, value: unknown): boolean {
  if (isScalar(type) || type === 'IntOrString') return value === '' || value === 0 || value === false;
  return false;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setOwn(obj: Json, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function finite(v: number): number {
  if (!Number.isFinite(v)) throw malformed(`double value ${v} cannot be written as JSON`);
  return v;
}

function varint(wf: WireField, owner: string, f: FieldSpec): bigint {
  if (wf.type !== VARINT) throw wrongWireType(owner, f, wf, 'varint');
  return wf.varint;
}

function lengthDelimited(wf: WireField, owner: string, f: FieldSpec): Uint8Array {
  if (wf.type !== BYTES) throw wrongWireType(owner, f, wf, 'length-delimited');
  return wf.bytes;
}

function wrongWireType(owner: string, f: FieldSpec, wf: WireField, want: string) {
  const name = f.name === '' ? `(inline ${f.type})` : f.name;
  return malformed(`${owner}.${name} (field ${wf.num}) has wire type ${wf.type}, want ${want}`);
}
