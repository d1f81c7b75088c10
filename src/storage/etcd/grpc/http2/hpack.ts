/**
 * HPACK (RFC 7541) for a client that only needs to read what a server answers and to send
 * a few request headers. The decoder handles every representation (indexed, literal with
 * or without indexing, never indexed, table size updates) with the static and dynamic
 * tables and Huffman-coded strings. The encoder writes every field as a literal without
 * indexing and without Huffman coding: it never touches the peer's dynamic table, so it
 * needs no state and the peer's table size setting does not concern it.
 *
 * It must not interpret header fields; it turns header blocks into [name, value] pairs and
 * back. Pure: no I/O. Values are latin1 strings (octets as they were sent).
 */
import { HuffmanError, huffmanDecode } from './huffman.js';

/** RFC 7541 Appendix A, index 1 first. */
const STATIC: readonly (readonly [string, string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** The table size both sides start with and this client never changes (SETTINGS_HEADER_TABLE_SIZE). */
export const DEFAULT_TABLE_SIZE = 4096;
/** An entry's size counts its name and value octets plus this (RFC 7541 section 4.1). */
const ENTRY_OVERHEAD = 32;

export type HeaderField = [name: string, value: string];

/** A header block that cannot be decoded: a connection error (COMPRESSION_ERROR). */
export class HpackError extends Error {
  override readonly name = 'HpackError';
}

export class HpackDecoder {
  /** Newest entry first. */
  private readonly dynamic: HeaderField[] = [];
  private size = 0;
  private max: number;

  constructor(private readonly limit = DEFAULT_TABLE_SIZE) {
    this.max = limit;
  }

  /** Decodes one complete header block (HEADERS plus any CONTINUATION fragments). */
  decode(block: Uint8Array): HeaderField[] {
    const out: HeaderField[] = [];
    const r = { pos: 0 };
    try {
      while (r.pos < block.length) {
        const b = block[r.pos] as number;
        if (b & 0x80) {
          out.push(this.entry(readInt(block, r, 7)));
        } else if (b & 0x40) {
          const field = this.literal(block, r, 6);
          this.insert(field);
          out.push(field);
        } else if (b & 0x20) {
          const size = readInt(block, r, 5);
          if (size > this.limit) throw new HpackError(`table size ${size} above the ${this.limit} allowed`);
          this.max = size;
          this.evict(0);
        } else {
          out.push(this.literal(block, r, 4));
        }
      }
    } catch (err) {
      if (err instanceof HuffmanError) throw new HpackError(err.message);
      throw err;
    }
    return out;
  }

  private entry(index: number): HeaderField {
    if (index === 0) throw new HpackError('header index 0');
    if (index <= STATIC.length) {
      const [name, value] = STATIC[index - 1] as readonly [string, string];
      return [name, value];
    }
    const e = this.dynamic[index - STATIC.length - 1];
    if (!e) throw new HpackError(`header index ${index} beyond the table`);
    return [e[0], e[1]];
  }

  private literal(block: Uint8Array, r: { pos: number }, prefix: number): HeaderField {
    const index = readInt(block, r, prefix);
    const name = index === 0 ? readString(block, r) : this.entry(index)[0];
    return [name, readString(block, r)];
  }

  private insert(field: HeaderField): void {
    const size = field[0].length + field[1].length + ENTRY_OVERHEAD;
    // An entry larger than the table empties it and is not added (RFC 7541 section 4.4).
    this.evict(size);
    if (size > this.max) return;
    this.dynamic.unshift(field);
    this.size += size;
  }

  /** Drops the oldest entries until `room` more octets fit. */
  private evict(room: number): void {
    while (this.size + room > this.max && this.dynamic.length > 0) {
      const e = this.dynamic.pop() as HeaderField;
      this.size -= e[0].length + e[1].length + ENTRY_OVERHEAD;
    }
  }
}

/** An integer with an N-bit prefix (RFC 7541 section 5.1). */
function readInt(block: Uint8Array, r: { pos: number }, prefix: number): number {
  const mask = (1 << prefix) - 1;
  let value = (block[r.pos++] as number) & mask;
  if (value < mask) return value;
  for (let shift = 0; ; shift += 7) {
    if (r.pos >= block.length) throw new HpackError('truncated integer');
    if (shift > 28) throw new HpackError('integer too large');
    const b = block[r.pos++] as number;
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return value;
  }
}

function readString(block: Uint8Array, r: { pos: number }): string {
  if (r.pos >= block.length) throw new HpackError('truncated string');
  const huffman = ((block[r.pos] as number) & 0x80) !== 0;
  const len = readInt(block, r, 7);
  const end = r.pos + len;
  if (end > block.length) throw new HpackError('truncated string');
  const s = huffman ? huffmanDecode(block, r.pos, end) : latin1(block, r.pos, end);
  r.pos = end;
  return s;
}

function latin1(block: Uint8Array, start: number, end: number): string {
  return Buffer.from(block.buffer, block.byteOffset + start, end - start).toString('latin1');
}

// ---- encoding ---------------------------------------------------------------------------

/** The static index of a name, for literals with an indexed name (first match). */
const NAME_INDEX = new Map<string, number>();
STATIC.forEach(([name], i) => {
  if (!NAME_INDEX.has(name)) NAME_INDEX.set(name, i + 1);
});

/**
 * Encodes fields as literals without indexing (RFC 7541 section 6.2.2), the name taken from
 * the static table when it is there. Names must be lower case; values are latin1.
 */
export function encodeHeaders(fields: readonly HeaderField[]): Buffer {
  const parts: number[] = [];
  for (const [name, value] of fields) {
    const index = NAME_INDEX.get(name);
    if (index !== undefined) {
      writeInt(parts, 0x00, 4, index);
    } else {
      parts.push(0x00);
      writeString(parts, name);
    }
    writeString(parts, value);
  }
  return Buffer.from(parts);
}

function writeInt(out: number[], flags: number, prefix: number, value: number): void {
  const mask = (1 << prefix) - 1;
  if (value < mask) {
    out.push(flags | value);
    return;
  }
  out.push(flags | mask);
  let rest = value - mask;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
}

function writeString(out: number[], s: string): void {
  writeInt(out, 0x00, 7, s.length);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i) & 0xff);
}
