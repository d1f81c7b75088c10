/**
 * The protobuf wire format, read side only: tags, varints, fixed 32/64-bit values and
 * length-delimited bytes. It knows nothing of schemas; it splits a message into fields and
 * converts raw values. Every read is bounds-checked and reports a `malformed` error, never
 * reads past the buffer and never throws anything else. Groups (wire types 3 and 4), which
 * Kubernetes never uses, are rejected as malformed.
 */
import { malformed } from './errors.js';

export const VARINT = 0;
export const FIXED64 = 1;
export const BYTES = 2;
export const FIXED32 = 5;

export type WireField =
  | { num: number; type: typeof VARINT; varint: bigint }
  | { num: number; type: typeof FIXED64 | typeof BYTES | typeof FIXED32; bytes: Uint8Array };

/** Field numbers above this are invalid on the wire (2^29 - 1). */
const MAX_FIELD = 0x1fffffff;

class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    // Fast path: up to four bytes fit a small integer exactly.
    let low = 0;
    for (let i = 0; i < 4; i++) {
      const b = this.byte();
      low |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return BigInt(low >>> 0);
    }
    let value = BigInt(low >>> 0);
    for (let shift = 28n; shift < 70n; shift += 7n) {
      const b = this.byte();
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return BigInt.asUintN(64, value);
    }
    throw malformed(`varint longer than 10 bytes at offset ${this.pos}`);
  }

  take(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.buf.length) {
      throw malformed(
        `unexpected end of data: ${n} bytes wanted at offset ${this.pos}, ${this.buf.length - this.pos} left`,
      );
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  private byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw malformed(`unexpected end of data in a varint at offset ${this.pos}`);
    this.pos++;
    return b;
  }
}

/** The fields of one message, in wire order. */
export function* readFields(buf: Uint8Array): Generator<WireField> {
  const r = new Reader(buf);
  while (!r.done) {
    const at = r.pos;
    const tag = r.varint();
    const num = Number(tag >> 3n);
    const type = Number(tag & 7n);
    if (num === 0 || num > MAX_FIELD) throw malformed(`invalid field number ${num} at offset ${at}`);
    switch (type) {
      case VARINT:
        yield { num, type, varint: r.varint() };
        break;
      case FIXED64:
        yield { num, type, bytes: r.take(8) };
        break;
      case FIXED32:
        yield { num, type, bytes: r.take(4) };
        break;
      case BYTES: {
        const len = r.varint();
        if (len > BigInt(buf.length))
          throw malformed(`length ${len} at offset ${at} runs past the end of the data`);
        yield { num, type, bytes: r.take(Number(len)) };
        break;
      }
      default:
        throw malformed(`unsupported wire type ${type} for field ${num} at offset ${at}`);
    }
  }
}

/** The varints of a packed repeated field. */
export function readPackedVarints(buf: Uint8Array): bigint[] {
  const r = new Reader(buf);
  const out: bigint[] = [];
  while (!r.done) out.push(r.varint());
  return out;
}

/** The fixed 64-bit values of a packed repeated field, as doubles. */
export function readPackedDoubles(buf: Uint8Array): number[] {
  if (buf.length % 8 !== 0) throw malformed(`packed doubles of ${buf.length} bytes, not a multiple of 8`);
  const out: number[] = [];
  for (let i = 0; i < buf.length; i += 8) out.push(toDouble(buf.subarray(i, i + 8)));
  return out;
}

export function toInt32(v: bigint): number {
  return Number(BigInt.asIntN(32, v));
}

/** Exact below 2^53 in magnitude; larger values lose precision, as they would in JSON. */
export function toInt64(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

export function toDouble(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0, true);
}

export function toFloat(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat32(0, true);
}

const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** Text of a string field; invalid UTF-8 becomes U+FFFD, as Go would carry it through JSON. */
export function toText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}
