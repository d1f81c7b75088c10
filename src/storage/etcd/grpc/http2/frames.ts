/**
 * HTTP/2 framing (RFC 9113 section 4 and 6): frame types, flags, error codes and settings
 * identifiers, the 9-octet frame header, and a reader that cuts a byte stream into frames.
 * Pure: no I/O.
 */

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

export const ErrorCode = {
  NO_ERROR: 0x0,
  PROTOCOL_ERROR: 0x1,
  INTERNAL_ERROR: 0x2,
  FLOW_CONTROL_ERROR: 0x3,
  STREAM_CLOSED: 0x5,
  FRAME_SIZE_ERROR: 0x6,
  REFUSED_STREAM: 0x7,
  CANCEL: 0x8,
  COMPRESSION_ERROR: 0x9,
} as const;

export const Setting = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
} as const;

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
export const FRAME_HEADER = 9;
/** The largest frame payload either side may send before SETTINGS_MAX_FRAME_SIZE says more. */
export const DEFAULT_MAX_FRAME = 16_384;
/** The window every stream and the connection start with. */
export const DEFAULT_WINDOW = 65_535;
export const MAX_WINDOW = 2 ** 31 - 1;

export interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

/** A violation of the framing layer: the connection cannot go on. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/** One frame: its header and `payload`. */
export function frame(type: number, flags: number, stream: number, payload?: Buffer): Buffer[] {
  const h = Buffer.allocUnsafe(FRAME_HEADER);
  const len = payload?.byteLength ?? 0;
  h[0] = (len >>> 16) & 0xff;
  h[1] = (len >>> 8) & 0xff;
  h[2] = len & 0xff;
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream & 0x7fffffff, 5);
  return payload && len > 0 ? [h, payload] : [h];
}

/** A frame whose payload is 32-bit words (RST_STREAM, WINDOW_UPDATE, GOAWAY). */
export function wordsFrame(type: number, stream: number, words: readonly number[]): Buffer[] {
  const p = Buffer.allocUnsafe(words.length * 4);
  for (let i = 0; i < words.length; i++) p.writeUInt32BE((words[i] as number) >>> 0, i * 4);
  return frame(type, 0, stream, p);
}

/** A SETTINGS frame with these [identifier, value] pairs. */
export function settingsFrame(settings: readonly (readonly [number, number])[]): Buffer[] {
  const p = Buffer.allocUnsafe(settings.length * 6);
  settings.forEach(([id, value], i) => {
    p.writeUInt16BE(id, i * 6);
    p.writeUInt32BE(value, i * 6 + 2);
  });
  return frame(FrameType.SETTINGS, 0, 0, p);
}

/** Cuts the bytes of a connection into frames; a frame split across chunks is joined once. */
export class FrameReader {
  private rest: Buffer | undefined;

  constructor(private readonly maxPayload = DEFAULT_MAX_FRAME) {}

  /** Adds a chunk and calls `each` with every frame it completes, in order. */
  push(chunk: Buffer, each: (f: Frame) => void): void {
    let buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let pos = 0;
    while (buf.byteLength - pos >= FRAME_HEADER) {
      const len = ((buf[pos] as number) << 16) | ((buf[pos + 1] as number) << 8) | (buf[pos + 2] as number);
      if (len > this.maxPayload)
        throw new FrameError(`frame of ${len} bytes, above the ${this.maxPayload} allowed`);
      const end = pos + FRAME_HEADER + len;
      if (end > buf.byteLength) break;
      const f: Frame = {
        type: buf[pos + 3] as number,
        flags: buf[pos + 4] as number,
        stream: buf.readUInt32BE(pos + 5) & 0x7fffffff,
        payload: buf.subarray(pos + FRAME_HEADER, end),
      };
      pos = end;
      each(f);
    }
    if (pos < buf.byteLength) {
      buf = buf.subarray(pos);
      this.rest = buf;
    }
  }
}

/** The payload without its padding (PADDED flag: a length octet first, that many octets last). */
export function unpad(f: Frame): Buffer {
  if (!(f.flags & Flag.PADDED)) return f.payload;
  const pad = f.payload[0];
  if (pad === undefined || pad >= f.payload.byteLength) throw new FrameError('padding longer than the frame');
  return f.payload.subarray(1, f.payload.byteLength - pad);
}
