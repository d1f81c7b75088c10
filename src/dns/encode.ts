/**
 * Message -> wire format, with name compression (owner names and the names inside NS,
 * CNAME, PTR, MX and SOA data; never inside SRV, RFC 2782) and a size limit. A message
 * that does not fit is cut at a record boundary: answer or authority records that do not
 * fit set TC (the client asks again over TCP); additional records are dropped without it
 * (RFC 2181 section 9). The EDNS0 OPT record always stays. Throws NameError or
 * EncodeError for data that cannot be written (a bad address or name). Pure.
 */

import { isIPv4, parseIPv6 } from './ip.js';
import type { Edns, Message, RData, ResourceRecord } from './message.js';
import { RRType } from './message.js';
import { labelText, toLabels } from './names.js';

export class EncodeError extends Error {
  override readonly name = 'EncodeError';
}

export const MAX_MESSAGE = 65535;

export interface EncodeOptions {
  /** The largest message to produce (512 for plain UDP, the EDNS0 size, 65535 over TCP). */
  maxSize?: number;
}

export function encodeMessage(msg: Message, opts: EncodeOptions = {}): Uint8Array {
  const max = Math.min(opts.maxSize ?? MAX_MESSAGE, MAX_MESSAGE);
  const w = new Writer();
  w.u16(msg.id);
  w.u16(0); // flags, written last (TC may change)
  w.u16(msg.questions.length);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  for (const q of msg.questions) {
    w.name(q.name, true);
    w.u16(q.type);
    w.u16(q.class);
  }
  const optSize = msg.edns ? 11 + msg.edns.options.reduce((n, o) => n + 4 + o.data.length, 0) : 0;
  const budget = max - optSize;
  let truncated = msg.flags.truncated;
  const counts = [0, 0, 0];
  const sections = [msg.answers, msg.authority, msg.additional];
  let full = w.length > budget;
  if (full) truncated = true;
  for (let s = 0; s < 3 && !full; s++) {
    for (const rr of sections[s] ?? []) {
      const mark = w.mark();
      record(w, rr);
      if (w.length > budget) {
        w.rollback(mark);
        full = true;
        if (s < 2) truncated = true;
        break;
      }
      counts[s] = (counts[s] ?? 0) + 1;
    }
  }
  if (msg.edns) opt(w, msg.edns, msg.rcode);
  const f = msg.flags;
  const bits =
    (f.response ? 0x8000 : 0) |
    ((f.opcode & 0xf) << 11) |
    (f.authoritative ? 0x0400 : 0) |
    (truncated ? 0x0200 : 0) |
    (f.recursionDesired ? 0x0100 : 0) |
    (f.recursionAvailable ? 0x0080 : 0) |
    (f.authenticData ? 0x0020 : 0) |
    (f.checkingDisabled ? 0x0010 : 0) |
    (msg.rcode & 0xf);
  w.set16(2, bits);
  w.set16(6, counts[0] ?? 0);
  w.set16(8, counts[1] ?? 0);
  w.set16(10, (counts[2] ?? 0) + (msg.edns ? 1 : 0));
  return w.done();
}

function record(w: Writer, rr: ResourceRecord): void {
  w.name(rr.name, true);
  w.u16(rr.type);
  w.u16(rr.class);
  w.u32(rr.ttl);
  const lengthAt = w.length;
  w.u16(0);
  rdata(w, rr.data);
  w.set16(lengthAt, w.length - lengthAt - 2);
}

function rdata(w: Writer, d: RData): void {
  switch (d.kind) {
    case 'A':
      if (!isIPv4(d.address)) throw new EncodeError(`not an IPv4 address: "${d.address}"`);
      for (const o of d.address.split('.')) w.u8(Number(o));
      return;
    case 'AAAA': {
      const bytes = parseIPv6(d.address);
      if (!bytes) throw new EncodeError(`not an IPv6 address: "${d.address}"`);
      w.bytes(Uint8Array.from(bytes));
      return;
    }
    case 'NS':
    case 'CNAME':
    case 'PTR':
      w.name(d.target, true);
      return;
    case 'MX':
      w.u16(d.preference);
      w.name(d.exchange, true);
      return;
    case 'SOA':
      w.name(d.mname, true);
      w.name(d.rname, true);
      for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) w.u32(v);
      return;
    case 'SRV':
      w.u16(d.priority);
      w.u16(d.weight);
      w.u16(d.port);
      w.name(d.target, false);
      return;
    case 'TXT':
      for (const s of d.strings.length > 0 ? d.strings : ['']) {
        const bytes = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
        for (let i = 0; i === 0 || i < bytes.length; i += 255) {
          const chunk = bytes.subarray(i, i + 255);
          w.u8(chunk.length);
          w.bytes(chunk);
        }
      }
      return;
    case 'raw':
      w.bytes(d.bytes);
      return;
  }
}

function opt(w: Writer, e: Edns, rcode: number): void {
  w.u8(0);
  w.u16(RRType.OPT);
  w.u16(e.udpSize);
  w.u32((((rcode >> 4) & 0xff) << 24) | ((e.version & 0xff) << 16) | (e.dnssecOk ? 0x8000 : 0));
  w.u16(e.options.reduce((n, o) => n + 4 + o.data.length, 0));
  for (const o of e.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
}

/** A growing buffer that remembers where each name suffix was written, for pointers. */
class Writer {
  private buf = new Uint8Array(512);
  length = 0;
  private readonly suffixes = new Map<string, number>();

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
  }

  u16(v: number): void {
    this.room(2);
    this.buf[this.length++] = (v >> 8) & 0xff;
    this.buf[this.length++] = v & 0xff;
  }

  u32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }

  set16(at: number, v: number): void {
    this.buf[at] = (v >> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Writes a name, pointing at an earlier copy of its longest known suffix when `compress`. */
  name(name: string, compress: boolean): void {
    const labels = toLabels(name);
    const keys = labels.map((l) => labelText(l).toLowerCase());
    for (let i = 0; i < labels.length; i++) {
      const key = keys.slice(i).join('.');
      const at = this.suffixes.get(key);
      if (compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.length < 0x4000 && at === undefined) this.suffixes.set(key, this.length);
      const label = labels[i] ?? new Uint8Array();
      this.u8(label.length);
      this.bytes(label);
    }
    this.u8(0);
  }

  mark(): number {
    return this.length;
  }

  /** Forgets everything written from `mark` on, including name suffixes recorded there. */
  rollback(mark: number): void {
    this.length = mark;
    for (const [k, at] of this.suffixes) if (at >= mark) this.suffixes.delete(k);
  }

  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
