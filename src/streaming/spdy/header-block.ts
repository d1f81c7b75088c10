/**
 * SPDY/3 name/value header blocks: the uncompressed layout (32-bit counts and lengths,
 * lower-case names, several values of one name joined by NUL) and the compression
 * contexts. A session has ONE zlib stream per direction for all its header blocks, primed
 * with the SPDY/3 dictionary, each block ending with a Z_SYNC_FLUSH; so blocks must be
 * compressed and decompressed strictly in the order they travel, which the classes below
 * enforce by queueing calls. They do not frame anything (./frames.ts).
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

/** Header names (lower case) to values; several values of one name are NUL-separated. */
export type SpdyHeaders = Record<string, string>;

export class HeaderBlockError extends Error {}

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(headers);
  const count = Buffer.allocUnsafe(4);
  count.writeUInt32BE(entries.length, 0);
  parts.push(count);
  for (const [name, value] of entries) {
    for (const s of [name.toLowerCase(), value]) {
      const b = Buffer.from(s, 'utf8');
      const len = Buffer.allocUnsafe(4);
      len.writeUInt32BE(b.length, 0);
      parts.push(len, b);
    }
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  const out: SpdyHeaders = {};
  let off = 0;
  const read = (): string => {
    if (off + 4 > block.length) throw new HeaderBlockError('truncated header block');
    const len = block.readUInt32BE(off);
    off += 4;
    if (off + len > block.length) throw new HeaderBlockError('truncated header block');
    const s = block.toString('utf8', off, off + len);
    off += len;
    return s;
  };
  if (block.length < 4) throw new HeaderBlockError('truncated header block');
  const n = block.readUInt32BE(0);
  off = 4;
  for (let i = 0; i < n; i++) {
    const name = read().toLowerCase();
    const value = read();
    if (!name) throw new HeaderBlockError('empty header name');
    out[name] = name in out ? `${out[name]}\0${value}` : value;
  }
  return out;
}

/** The first value of a header (names are matched case-insensitively). */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return v === undefined ? undefined : v.split('\0')[0];
}

/** Runs one zlib stream block by block: each call writes a block and sync-flushes it. */
class ZContext {
  #tail: Promise<unknown> = Promise.resolve();
  #out: Buffer[] = [];
  #error: Error | undefined;
  #fail: ((e: Error) => void) | undefined;

  constructor(private readonly z: Deflate | Inflate) {
    z.on('data', (c: Buffer) => this.#out.push(c));
    z.on('error', (e: Error) => {
      this.#error = e;
      this.#fail?.(new HeaderBlockError(`header block: ${e.message}`));
    });
  }

  run(input: Buffer): Promise<Buffer> {
    const next = this.#tail.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.#error) return reject(new HeaderBlockError(`header block: ${this.#error.message}`));
          this.#fail = reject;
          this.#out = [];
          this.z.write(input);
          this.z.flush(constants.Z_SYNC_FLUSH, () => {
            this.#fail = undefined;
            if (this.#error) return reject(new HeaderBlockError(`header block: ${this.#error.message}`));
            const out = Buffer.concat(this.#out);
            this.#out = [];
            resolve(out);
          });
        }),
    );
    this.#tail = next.catch(() => undefined);
    return next;
  }

  close(): void {
    this.z.destroy();
  }
}

/** Compresses this side's header blocks, in call order. */
export class HeaderCompressor {
  readonly #z = new ZContext(
    createDeflate({ dictionary: SPDY3_DICTIONARY, level: constants.Z_BEST_COMPRESSION }),
  );

  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.#z.run(encodeHeaderBlock(headers));
  }

  close(): void {
    this.#z.close();
  }
}

/** Decompresses the peer's header blocks, in call order. */
export class HeaderDecompressor {
  readonly #z = new ZContext(createInflate({ dictionary: SPDY3_DICTIONARY }));

  async decompress(data: Buffer): Promise<SpdyHeaders> {
    if (data.length === 0) return {};
    return decodeHeaderBlock(await this.#z.run(data));
  }

  close(): void {
    this.#z.close();
  }
}
