/**
 * The special encodings: values that travel as small messages but are plain strings, numbers
 * or arrays in JSON. Quantity (string 1), Time and MicroTime (seconds 1, nanos 2), Duration
 * (nanoseconds 1), IntOrString (type 1, intVal 2, strVal 3), RawExtension (raw 1) and
 * StringList (repeated items 1, the value type of `extra` maps). A RawExtension holding a
 * nested `k8s\0` envelope is handed to the caller's NestedDecoder; this module reads none.
 */
import { malformed } from './errors.js';
import { hasProtobufMagic } from './magic.js';
import type { SpecialType } from './schema.js';
import { formatDuration, formatTimestamp } from './values.js';
import { BYTES, readFields, toInt32, toText, VARINT, type WireField } from './wire.js';

/** Decodes a nested envelope found in a RawExtension; `depth` is the nesting so far. */
export type NestedDecoder = (raw: Uint8Array, depth: number) => unknown;

/** One special value from its message bytes; undefined when it is absent in JSON (an empty Time). */
export function decodeSpecial(
  type: SpecialType,
  bytes: Uint8Array,
  nested: NestedDecoder | undefined,
  depth: number,
): unknown {
  switch (type) {
    case 'Quantity': {
      let text = '0';
      for (const wf of readFields(bytes)) if (wf.num === 1) text = toText(bytesOf(wf, 'Quantity.string'));
      return text;
    }
    case 'Time':
    case 'MicroTime': {
      // An empty message is the zero time, which Kubernetes leaves out of JSON.
      if (bytes.length === 0) return undefined;
      let seconds = 0n;
      let nanos = 0n;
      for (const wf of readFields(bytes)) {
        if (wf.num === 1) seconds = BigInt.asIntN(64, varintOf(wf, `${type}.seconds`));
        else if (wf.num === 2) nanos = BigInt.asIntN(32, varintOf(wf, `${type}.nanos`));
      }
      return formatTimestamp(seconds, nanos, type === 'MicroTime');
    }
    case 'Duration': {
      let nanos = 0n;
      for (const wf of readFields(bytes))
        if (wf.num === 1) nanos = BigInt.asIntN(64, varintOf(wf, 'Duration.duration'));
      return formatDuration(nanos);
    }
    case 'IntOrString':
      return intOrString(bytes);
    case 'RawExtension':
      return rawExtension(bytes, nested, depth);
    case 'StringList': {
      const items: string[] = [];
      for (const wf of readFields(bytes))
        if (wf.num === 1) items.push(toText(bytesOf(wf, 'StringList.items')));
      return items;
    }
  }
}

/** type 1 (0 = int, 1 = string), intVal 2, strVal 3 -> a JSON number or string. */
function intOrString(bytes: Uint8Array): number | string {
  let kind = 0n;
  let intVal = 0;
  let strVal = '';
  for (const wf of readFields(bytes)) {
    if (wf.num === 1) kind = BigInt.asIntN(64, varintOf(wf, 'IntOrString.type'));
    else if (wf.num === 2) intVal = toInt32(varintOf(wf, 'IntOrString.intVal'));
    else if (wf.num === 3) strVal = toText(bytesOf(wf, 'IntOrString.strVal'));
  }
  if (kind === 0n) return intVal;
  if (kind === 1n) return strVal;
  throw malformed(`IntOrString has type ${kind}; want 0 (int) or 1 (string)`);
}

/**
 * raw (field 1): a nested `k8s\0` object when there is one and the caller can decode it, else
 * JSON when it parses, else the bytes in base64. Empty is absent.
 */
function rawExtension(bytes: Uint8Array, nested: NestedDecoder | undefined, depth: number): unknown {
  let raw: Uint8Array | undefined;
  for (const wf of readFields(bytes)) if (wf.num === 1) raw = bytesOf(wf, 'RawExtension.raw');
  if (raw === undefined || raw.length === 0) return undefined;
  if (nested && hasProtobufMagic(raw)) return nested(raw, depth + 1);
  try {
    return JSON.parse(toText(raw)) as unknown;
  } catch {
    return base64(raw);
  }
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

function varintOf(wf: WireField, what: string): bigint {
  if (wf.type !== VARINT) throw malformed(`${what} has wire type ${wf.type}, want varint`);
  return wf.varint;
}

function bytesOf(wf: WireField, what: string): Uint8Array {
  if (wf.type !== BYTES) throw malformed(`${what} has wire type ${wf.type}, want length-delimited`);
  return wf.bytes;
}
