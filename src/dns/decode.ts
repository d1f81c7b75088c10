/**
 * Wire format -> Message (RFC 1035 section 4, EDNS0 from RFC 6891). Every read is bounds
 * checked and every compression pointer must point before the label it replaces, with a
 * bounded number of jumps, so malformed or hostile input ends in a FormatError and never
 * in an exception of another kind, a loop or an out-of-range read. Pure.
 */

import { compressIPv6 } from './ip.js';
import type { Edns, EdnsOption, Flags, Message, Question, RData, ResourceRecord } from './message.js';
import { RRType } from './message.js';
import { labelText, MAX_NAME } from './names.js';

export class FormatError extends Error {
  override readonly name = 'FormatError';
}

export const HEADER_SIZE = 12;
const MAX_POINTER_JUMPS = 64;

export interface Header {
  id: number;
  flags: Flags;
  /** The 4 header bits of the response code. */
  rcode: number;
  qdcount: number;
  ancount: number;
  nscount: number;
  arcount: number;
}

/** The fixed 12-byte header; enough to answer FORMERR to a query whose body is broken. */
export function decodeHeader(buf: Uint8Array): Header {
  if (buf.length < HEADER_SIZE) throw new FormatError(`message of ${buf.length} bytes has no full header`);
  const r = new Reader(buf);
  const id = r.u16();
  const bits = r.u16();
  return {
    id,
    flags: {
      response: (bits & 0x8000) !== 0,
      opcode: (bits >> 11) & 0xf,
      authoritative: (bits & 0x0400) !== 0,
      truncated: (bits & 0x0200) !== 0,
      recursionDesired: (bits & 0x0100) !== 0,
      recursionAvailable: (bits & 0x0080) !== 0,
      authenticData: (bits & 0x0020) !== 0,
      checkingDisabled: (bits & 0x0010) !== 0,
    },
    rcode: bits & 0xf,
    qdcount: r.u16(),
    ancount: r.u16(),
    nscount: r.u16(),
    arcount: r.u16(),
  };
}

/** A whole message. Bytes after the last record are ignored. Throws FormatError. */
export function decodeMessage(buf: Uint8Array): Message {
  const h = decodeHeader(buf);
  const r = new Reader(buf, HEADER_SIZE);
  const questions: Question[] = [];
  for (let i = 0; i < h.qdcount; i++) questions.push({ name: r.name(), type: r.u16(), class: r.u16() });
  const answers = records(r, h.ancount);
  const authority = records(r, h.nscount);
  const additional: ResourceRecord[] = [];
  let edns: Edns | undefined;
  for (let i = 0; i < h.arcount; i++) {
    const rec = record(r);
    if ('opt' in rec) {
      if (edns) throw new FormatError('more than one OPT record');
      edns = rec.opt;
    } else additional.push(rec);
  }
  for (const rr of [...answers, ...authority])
    if (rr.type === RRType.OPT) throw new FormatError('OPT record outside the additional section');
  return {
    id: h.id,
    flags: h.flags,
    rcode: ((edns?.extendedRcode ?? 0) << 4) | h.rcode,
    questions,
    answers,
    authority,
    additional,
    ...(edns ? { edns } : {}),
  };
}

function records(r: Reader, count: number): ResourceRecord[] {
  const out: ResourceRecord[] = [];
  for (let i = 0; i < count; i++) {
    const rec = record(r);
    if ('opt' in rec) throw new FormatError('OPT record outside the additional section');
    out.push(rec);
  }
  return out;
}

function record(r: Reader): ResourceRecord | { opt: Edns } {
  const name = r.name();
  const type = r.u16();
  const cls = r.u16();
  const ttl = r.u32();
  const length = r.u16();
  const end = r.pos + length;
  if (end > r.buf.length) throw new FormatError('record data runs past the end of the message');
  if (type === RRType.OPT) {
    if (name !== '') throw new FormatError('OPT record with a non-root owner name');
    const options: EdnsOption[] = [];
    while (r.pos < end) {
      const code = r.u16();
      const len = r.u16();
      if (r.pos + len > end) throw new FormatError('EDNS0 option runs past its record');
      options.push({ code, data: r.bytes(len) });
    }
    return {
      opt: {
        udpSize: cls,
        extendedRcode: ttl >>> 24,
        version: (ttl >>> 16) & 0xff,
        dnssecOk: (ttl & 0x8000) !== 0,
        options,
      },
    };
  }
  const data = rdata(r, type, length, end);
  if (r.pos !== end) throw new FormatError(`record data of type ${type} has the wrong length`);
  return { name, type, class: cls, ttl, data };
}

function rdata(r: Reader, type: number, length: number, end: number): RData {
  const limited = () => {
    if (r.pos > end) throw new FormatError('record data runs past its length');
  };
  switch (type) {
    case RRType.A: {
      if (length !== 4) throw new FormatError('A record data is not 4 bytes');
      return { kind: 'A', address: Array.from(r.bytes(4)).join('.') };
    }
    case RRType.AAAA: {
      if (length !== 16) throw new FormatError('AAAA record data is not 16 bytes');
      const b = r.bytes(16);
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push((((b[i] ?? 0) << 8) | (b[i + 1] ?? 0)).toString(16));
      return { kind: 'AAAA', address: compressIPv6(groups.join(':')) };
    }
    case RRType.NS:
    case RRType.CNAME:
    case RRType.PTR: {
      const target = r.name();
      limited();
      return { kind: type === RRType.NS ? 'NS' : type === RRType.CNAME ? 'CNAME' : 'PTR', target };
    }
    case RRType.MX: {
      const preference = r.u16();
      const exchange = r.name();
      limited();
      return { kind: 'MX', preference, exchange };
    }
    case RRType.SOA: {
      const mname = r.name();
      const rname = r.name();
      const soa = {
        kind: 'SOA' as const,
        mname,
        rname,
        serial: r.u32(),
        refresh: r.u32(),
        retry: r.u32(),
        expire: r.u32(),
        minimum: r.u32(),
      };
      limited();
      return soa;
    }
    case RRType.SRV: {
      const srv = {
        kind: 'SRV' as const,
        priority: r.u16(),
        weight: r.u16(),
        port: r.u16(),
        target: r.name(),
      };
      limited();
      return srv;
    }
    case RRType.TXT: {
      const strings: string[] = [];
      while (r.pos < end) {
        const len = r.u8();
        if (r.pos + len > end) throw new FormatError('TXT string runs past its record');
        strings.push(String.fromCharCode(...r.bytes(len)));
      }
      return { kind: 'TXT', strings };
    }
    default:
      return { kind: 'raw', bytes: r.bytes(length) };
  }
}

/** A bounds-checked cursor over a message. */
class Reader {
  constructor(
    readonly buf: Uint8Array,
    public pos = 0,
  ) {}

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new FormatError('message ends early');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++] ?? 0;
  }

  u16(): number {
    this.need(2);
    const v = ((this.buf[this.pos] ?? 0) << 8) | (this.buf[this.pos + 1] ?? 0);
    this.pos += 2;
    return v;
  }

  u32(): number {
    return ((this.u16() << 16) | this.u16()) >>> 0;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** A possibly compressed name; the cursor ends after its first pointer or final zero. */
  name(): string {
    const labels: string[] = [];
    let pos = this.pos;
    let after = -1;
    let jumps = 0;
    let wire = 1;
    for (;;) {
      if (pos >= this.buf.length) throw new FormatError('name runs past the end of the message');
      const len = this.buf[pos] ?? 0;
      const kind = len & 0xc0;
      if (kind === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new FormatError('compression pointer cut short');
        const target = ((len & 0x3f) << 8) | (this.buf[pos + 1] ?? 0);
        if (target >= pos) throw new FormatError('compression pointer does not point backwards');
        if (++jumps > MAX_POINTER_JUMPS) throw new FormatError('too many compression pointers');
        if (after < 0) after = pos + 2;
        pos = target;
        continue;
      }
      if (kind !== 0) throw new FormatError(`unsupported label type 0x${kind.toString(16)}`);
      if (len === 0) {
        pos += 1;
        break;
      }
      if (pos + 1 + len > this.buf.length) throw new FormatError('label runs past the end of the message');
      wire += len + 1;
      if (wire > MAX_NAME) throw new FormatError(`name longer than ${MAX_NAME} bytes`);
      labels.push(labelText(this.buf.subarray(pos + 1, pos + 1 + len)));
      pos += 1 + len;
    }
    this.pos = after >= 0 ? after : pos;
    return labels.join('.');
  }
}
