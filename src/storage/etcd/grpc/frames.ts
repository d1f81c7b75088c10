/**
 * Splits the bytes of a gRPC response stream into messages: each is a 5-byte prefix (a
 * compressed flag, which must be 0 since compression is never offered, and a big-endian
 * length) and that many bytes, arriving in chunks of any size. A message that spans chunks
 * is joined once, when its last byte has arrived. Pure: no I/O.
 */
import { FRAME_PREFIX, WireError } from '../../../util/proto-wire.js';

export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;
  /** Length of the message whose prefix was read, or -1 while waiting for a prefix. */
  private length = -1;

  /** Adds a chunk and returns the messages it completed, in order. */
  push(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (chunk.byteLength > 0) {
      this.chunks.push(chunk);
      this.size += chunk.byteLength;
    }
    for (;;) {
      if (this.length < 0) {
        if (this.size < FRAME_PREFIX) return out;
        const prefix = this.take(FRAME_PREFIX);
        if (prefix[0] !== 0) throw new WireError('compressed gRPC message, which was not offered');
        this.length = prefix.readUInt32BE(1);
      }
      if (this.size < this.length) return out;
      out.push(this.take(this.length));
      this.length = -1;
    }
  }

  /** Bytes received that do not yet form a whole message. */
  get buffered(): number {
    return this.size;
  }

  /** The next `n` bytes (n <= size): a view when one chunk holds them, else one copy. */
  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.byteLength >= n) {
      this.size -= n;
      if (first.byteLength === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0] as Buffer;
      const part = Math.min(c.byteLength, n - filled);
      c.copy(out, filled, 0, part);
      filled += part;
      if (part === c.byteLength) this.chunks.shift();
      else this.chunks[0] = c.subarray(part);
    }
    this.size -= n;
    return out;
  }
}
