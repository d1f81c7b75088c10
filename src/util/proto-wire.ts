/**
 * Protocol buffers wire format, just what etcd's messages and the OpenAPI v2 document
 * need: varints (int64 fields as JavaScript numbers, exact up to 2^53; lease IDs, which
 * use all 64 bits, as decimal strings), doubles, length-delimited bytes and nested
 * messages, and skipping unknown fields.
 * The writer can reserve the 5-byte gRPC message prefix in front of the message, so that a
 * request is framed without a copy. Pure: no I/O, no knowledge of etcd's messages.
 */

export const VARINT = 0;
export const FIXED64 = 1;
export const LENGTH = 2;
export const FIXED32 = 5;

/** The gRPC length prefix: a compressed flag byte and a 4-byte big-endian length. */
export const FRAME_PREFIX = 5;

/** Bytes of the varint of a non-negative integer below 2^53. */
export function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    size++;
  }
  return size;
}

export class Writer {
  private buf: Buffer;
  private pos: number;
  private readonly start: number;

  /** `framed`: leave room for the gRPC prefix, filled in by `frame()`. */
  constructor(sizeHint = 128, framed = false) {
    this.start = framed ? FRAME_PREFIX : 0;
    this.buf = Buffer.allocUnsafe(Math.max(sizeHint, 16) + this.start);
    this.pos = this.start;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private tag(field: number, wireType: number): void {
    this.uvarint(field * 8 + wireType);
  }

  /** A non-negative integer below 2^53 as a varint (no tag). */
  private uvarint(n: number): void {
    this.ensure(10);
    const buf = this.buf;
    while (n >= 0x80) {
      buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    buf[this.pos++] = n;
  }

  /**
   * An int64 field. Skipped when 0 unless `always` (fields of a oneof are written even at 0,
   * since their presence is what the receiver sees). Negative values take ten bytes.
   */
  int64(field: number, n: number | undefined, always = false): void {
    if (n === undefined || (n === 0 && !always)) return;
    if (!Number.isSafeInteger(n)) throw new RangeError(`int64 field ${field}: ${n} is not a safe integer`);
    this.tag(field, VARINT);
    if (n >= 0) this.uvarint(n);
    else this.bigVarint(BigInt.asUintN(64, BigInt(n)));
  }

  /** An int64 field given as a decimal string (lease IDs use all 64 bits). Skipped when "0" or absent. */
  int64String(field: number, s: string | undefined): void {
    if (s === undefined || s === '' || s === '0') return;
    this.tag(field, VARINT);
    this.bigVarint(BigInt.asUintN(64, BigInt(s)));
  }

  private bigVarint(v: bigint): void {
    this.ensure(10);
    while (v >= 0x80n) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  /** A bool field, skipped when false. */
  bool(field: number, b: boolean | undefined): void {
    if (!b) return;
    this.tag(field, VARINT);
    this.uvarint(1);
  }

  /** A double field, skipped when absent (0 is written: schema bounds of 0 are meaningful). */
  double(field: number, n: number | undefined): void {
    if (n === undefined) return;
    this.tag(field, FIXED64);
    this.ensure(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
  }

  /** An enum field, skipped at its default 0. */
  enum(field: number, n: number): void {
    if (n === 0) return;
    this.tag(field, VARINT);
    this.uvarint(n);
  }

  /** A bytes field, skipped when absent or empty. */
  bytes(field: number, b: Uint8Array | undefined): void {
    if (b === undefined || b.byteLength === 0) return;
    this.tag(field, LENGTH);
    this.uvarint(b.byteLength);
    this.ensure(b.byteLength);
    this.buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** A string field, skipped when empty. */
  string(field: number, s: string | undefined): void {
    if (!s) return;
    this.bytes(field, Buffer.from(s, 'utf8'));
  }

  /**
   * A nested message written by `body` (written even when empty: a oneof member's presence
   * matters). Room for a 5-byte length is reserved and the body moved back over what the
   * real length does not use; messages are small, so the move is cheap.
   */
  message(field: number, body: (w: Writer) => void): void {
    this.tag(field, LENGTH);
    this.ensure(5);
    const mark = this.pos;
    this.pos += 5;
    body(this);
    const len = this.pos - mark - 5;
    const size = varintSize(len);
    if (size < 5) this.buf.copyWithin(mark + size, mark + 5, this.pos);
    this.pos = mark;
    this.uvarint(len);
    this.pos += len;
  }

  /** The message (without prefix). */
  finish(): Buffer {
    return this.buf.subarray(this.start, this.pos);
  }

  /** The message as one gRPC frame (uncompressed); the writer must have been made `framed`. */
  frame(): Buffer {
    if (this.start !== FRAME_PREFIX) throw new Error('writer was not made for a gRPC frame');
    this.buf[0] = 0;
    this.buf.writeUInt32BE(this.pos - FRAME_PREFIX, 1);
    return this.buf.subarray(0, this.pos);
  }
}

/** A message that does not parse. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

export class Reader {
  pos: number;

  constructor(
    readonly buf: Buffer,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A field's tag: its number times 8 plus its wire type. */
  tag(): number {
    return this.varint();
  }

  /**
   * A varint as a number: exact for values below 2^53, which every revision, count and
   * length is. (A negative int64 comes out as a large positive approximation.)
   */
  varint(): number {
    const buf = this.buf;
    let b = buf[this.pos++];
    if (b === undefined || this.pos > this.end) throw new WireError('truncated varint');
    if (b < 0x80) return b;
    let result = b & 0x7f;
    let mul = 0x80;
    for (let i = 1; i < 10; i++) {
      b = buf[this.pos++];
      if (b === undefined || this.pos > this.end) throw new WireError('truncated varint');
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 0x80;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  /** A signed int64 varint as a decimal string, exact over all 64 bits. */
  int64String(): string {
    let v = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.buf[this.pos++];
      if (b === undefined || this.pos > this.end) throw new WireError('truncated varint');
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, v).toString();
      shift += 7n;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  /** A length-delimited field's bytes: a view into the message, not a copy. */
  bytes(): Buffer {
    const len = this.varint();
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.end) throw new WireError('truncated length-delimited field');
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    return this.bytes().toString('utf8');
  }

  /** A reader over a nested message. */
  sub(): Reader {
    const len = this.varint();
    const start = this.pos;
    this.pos += len;
    if (this.pos > this.end) throw new WireError('truncated nested message');
    return new Reader(this.buf, start, this.pos);
  }

  /** Skips a field of an unknown number. */
  skip(tag: number): void {
    switch (tag & 7) {
      case VARINT:
        this.varint();
        return;
      case FIXED64:
        this.pos += 8;
        break;
      case LENGTH: {
        const len = this.varint(); // read before `pos` is, since reading moves it
        this.pos += len;
        break;
      }
      case FIXED32:
        this.pos += 4;
        break;
      default:
        throw new WireError(`unsupported wire type ${tag & 7}`);
    }
    if (this.pos > this.end) throw new WireError('truncated field');
  }
}
