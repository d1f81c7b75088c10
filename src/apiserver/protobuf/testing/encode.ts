/**
 * A tiny protobuf encoder for tests: enough to write the messages the decoder reads (varints,
 * fixed64, length-delimited fields, map entries, the `k8s\0` envelope). Field helpers return
 * byte arrays that concatenate into a message. Test code only; the server never encodes.
 */

export type Bytes = Uint8Array;

export function concat(...parts: Bytes[]): Bytes {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An unsigned varint; negative numbers are written as 64-bit two's complement. */
export function varint(value: number | bigint): Bytes {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) b |= 0x80;
    out.push(b);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

export function tag(num: number, wireType: number): Bytes {
  return varint((BigInt(num) << 3n) | BigInt(wireType));
}

export function int(num: number, value: number | bigint): Bytes {
  return concat(tag(num, 0), varint(value));
}

export function bool(num: number, value: boolean): Bytes {
  return int(num, value ? 1 : 0);
}

export function double(num: number, value: number): Bytes {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, value, true);
  return concat(tag(num, 1), b);
}

export function bytes(num: number, value: Bytes): Bytes {
  return concat(tag(num, 2), varint(value.length), value);
}

export function str(num: number, value: string): Bytes {
  return bytes(num, new TextEncoder().encode(value));
}

/** A nested message made of the given fields. */
export function msg(num: number, ...fields: Bytes[]): Bytes {
  return bytes(num, concat(...fields));
}

/** A map<string,string> field: one entry message (key 1, value 2) per pair. */
export function strMap(num: number, map: Record<string, string>): Bytes {
  return concat(...Object.entries(map).map(([k, v]) => msg(num, str(1, k), str(2, v))));
}

/** A map<string,bytes> field. */
export function bytesMap(num: number, map: Record<string, Bytes>): Bytes {
  return concat(...Object.entries(map).map(([k, v]) => msg(num, str(1, k), bytes(2, v))));
}

/** A Quantity (string 1). */
export function quantity(num: number, value: string): Bytes {
  return msg(num, str(1, value));
}

/** A Time or MicroTime (seconds 1, nanos 2). */
export function time(num: number, seconds: number, nanos = 0): Bytes {
  return msg(num, int(1, seconds), ...(nanos ? [int(2, nanos)] : []));
}

/** An IntOrString (type 1, intVal 2, strVal 3). */
export function intOrString(num: number, value: number | string): Bytes {
  return typeof value === 'number' ? msg(num, int(1, 0), int(2, value)) : msg(num, int(1, 1), str(3, value));
}

/** A whole body: magic, then runtime.Unknown {typeMeta {apiVersion, kind}, raw, ...}. */
export function envelope(apiVersion: string, kind: string, raw: Bytes, extra: Bytes[] = []): Bytes {
  const unknown = concat(msg(1, str(1, apiVersion), str(2, kind)), bytes(2, raw), ...extra);
  return concat(Uint8Array.from([0x6b, 0x38, 0x73, 0x00]), unknown);
}
