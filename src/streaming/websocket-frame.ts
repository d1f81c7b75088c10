/**
 * RFC 6455 frame codec: encodes one frame (masked or not) and parses a byte stream into
 * frames incrementally, unmasking payloads. It knows nothing of messages, handshakes or
 * sockets (see ./websocket.ts): fragmentation, control-frame rules and close codes are
 * enforced by the connection, which gets every frame as it was on the wire.
 */
import { randomFillSync } from 'node:crypto';

export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

export interface WsFrame {
  fin: boolean;
  /** The three RSV bits (no extension is negotiated, so they must be 0). */
  rsv: number;
  opcode: number;
  masked: boolean;
  /** Unmasked payload. */
  payload: Buffer;
}

export class FrameTooLargeError extends Error {}

/** The frame's bytes: header, then the payload (masked with a fresh key when `mask`). */
export function encodeFrame(opcode: number, payload: Buffer, fin: boolean, mask: boolean): Buffer {
  const len = payload.length;
  const extra = len < 126 ? 0 : len < 0x10000 ? 2 : 8;
  const head = Buffer.allocUnsafe(2 + extra + (mask ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | (opcode & 0x0f);
  const lenBits = len < 126 ? len : len < 0x10000 ? 126 : 127;
  head[1] = (mask ? 0x80 : 0) | lenBits;
  if (extra === 2) head.writeUInt16BE(len, 2);
  else if (extra === 8) head.writeBigUInt64BE(BigInt(len), 2);
  if (!mask) return Buffer.concat([head, payload]);
  const key = head.subarray(2 + extra);
  randomFillSync(key);
  const body = Buffer.allocUnsafe(len);
  for (let i = 0; i < len; i++) body[i] = payload[i]! ^ key[i & 3]!;
  return Buffer.concat([head, body]);
}

/**
 * Turns incoming bytes into frames. `push` returns every frame completed by the chunk;
 * a frame announcing more than `maxPayload` bytes throws FrameTooLargeError.
 */
export class FrameParser {
  #chunks: Buffer[] = [];
  #size = 0;

  constructor(private readonly maxPayload: number) {}

  push(chunk: Buffer): WsFrame[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    const out: WsFrame[] = [];
    for (;;) {
      const frame = this.#next();
      if (!frame) return out;
      out.push(frame);
    }
  }

  #peek(n: number): Buffer {
    if (this.#chunks[0]!.length < n) {
      const all = Buffer.concat(this.#chunks);
      this.#chunks = [all];
    }
    return this.#chunks[0]!.subarray(0, n);
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    let out: Buffer;
    if (first.length === n) {
      this.#chunks.shift();
      out = first;
    } else if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      out = first.subarray(0, n);
    } else {
      const all = Buffer.concat(this.#chunks);
      out = all.subarray(0, n);
      this.#chunks = all.length > n ? [all.subarray(n)] : [];
    }
    this.#size -= n;
    return out;
  }

  #next(): WsFrame | undefined {
    if (this.#size < 2) return undefined;
    const b = this.#peek(2);
    const b0 = b[0]!;
    const b1 = b[1]!;
    const masked = (b1 & 0x80) !== 0;
    const len7 = b1 & 0x7f;
    const extra = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    const headLen = 2 + extra + (masked ? 4 : 0);
    if (this.#size < headLen) return undefined;
    const head = this.#peek(headLen);
    let len = len7;
    if (extra === 2) len = head.readUInt16BE(2);
    else if (extra === 8) {
      const big = head.readBigUInt64BE(2);
      if (big > BigInt(this.maxPayload)) throw new FrameTooLargeError(`frame of ${big} bytes`);
      len = Number(big);
    }
    if (len > this.maxPayload) throw new FrameTooLargeError(`frame of ${len} bytes`);
    if (this.#size < headLen + len) return undefined;
    const key = masked ? Buffer.from(head.subarray(2 + extra, headLen)) : undefined;
    this.#take(headLen);
    let payload = len > 0 ? this.#take(len) : Buffer.alloc(0);
    if (key) {
      const copy = Buffer.allocUnsafe(len);
      for (let i = 0; i < len; i++) copy[i] = payload[i]! ^ key[i & 3]!;
      payload = copy;
    }
    return { fin: (b0 & 0x80) !== 0, rsv: (b0 >> 4) & 0x07, opcode: b0 & 0x0f, masked, payload };
  }
}
