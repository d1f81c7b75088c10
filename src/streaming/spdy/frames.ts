/**
 * SPDY/3.1 frame codec: the frame shapes, their encoders and an incremental parser.
 * Header blocks stay opaque (compressed) here; ./header-block.ts compresses and reads
 * them, and ./session.ts gives frames their meaning. Parsing checks only framing (the
 * version, lengths that fit the frame type); an error thrown is a session-level
 * PROTOCOL_ERROR.
 */

export const SPDY_VERSION = 3;

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const SETTINGS_INITIAL_WINDOW_SIZE = 7;

/** RST_STREAM status codes. */
export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
  FrameTooLarge: 11,
} as const;

/** GOAWAY status codes. */
export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

export const MAX_FRAME_LENGTH = 0xffffff;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | {
      type: 'syn_stream';
      streamId: number;
      associatedId: number;
      priority: number;
      flags: number;
      block: Buffer;
    }
  | { type: 'syn_reply'; streamId: number; flags: number; block: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: SettingsEntry[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; flags: number; block: Buffer }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

export interface SettingsEntry {
  flags: number;
  id: number;
  value: number;
}

function control(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.allocUnsafe(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

function u32s(...values: number[]): Buffer {
  const b = Buffer.allocUnsafe(values.length * 4);
  values.forEach((v, i) => {
    b.writeUInt32BE(v >>> 0, i * 4);
  });
  return b;
}

export function encodeData(streamId: number, data: Buffer, fin: boolean): Buffer {
  const head = Buffer.allocUnsafe(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
  return data.length > 0 ? Buffer.concat([head, data]) : head;
}

export function encodeSynStream(
  streamId: number,
  block: Buffer,
  flags = 0,
  priority = 0,
  associatedId = 0,
): Buffer {
  const fixed = Buffer.alloc(10);
  fixed.writeUInt32BE(streamId & 0x7fffffff, 0);
  fixed.writeUInt32BE(associatedId & 0x7fffffff, 4);
  fixed[8] = (priority & 0x07) << 5;
  return control(FrameType.SynStream, flags, Buffer.concat([fixed, block]));
}

export function encodeSynReply(streamId: number, block: Buffer, flags = 0): Buffer {
  return control(FrameType.SynReply, flags, Buffer.concat([u32s(streamId & 0x7fffffff), block]));
}

export function encodeHeaders(streamId: number, block: Buffer, flags = 0): Buffer {
  return control(FrameType.Headers, flags, Buffer.concat([u32s(streamId & 0x7fffffff), block]));
}

export function encodeRstStream(streamId: number, status: number): Buffer {
  return control(FrameType.RstStream, 0, u32s(streamId & 0x7fffffff, status));
}

export function encodeSettings(entries: SettingsEntry[], flags = 0): Buffer {
  const body = Buffer.allocUnsafe(4 + entries.length * 8);
  body.writeUInt32BE(entries.length, 0);
  entries.forEach((e, i) => {
    body.writeUInt32BE((((e.flags & 0xff) << 24) | (e.id & 0xffffff)) >>> 0, 4 + i * 8);
    body.writeUInt32BE(e.value >>> 0, 8 + i * 8);
  });
  return control(FrameType.Settings, flags, body);
}

export function encodePing(id: number): Buffer {
  return control(FrameType.Ping, 0, u32s(id));
}

export function encodeGoAway(lastGoodStreamId: number, status: number): Buffer {
  return control(FrameType.GoAway, 0, u32s(lastGoodStreamId & 0x7fffffff, status));
}

export function encodeWindowUpdate(streamId: number, delta: number): Buffer {
  return control(FrameType.WindowUpdate, 0, u32s(streamId & 0x7fffffff, delta & 0x7fffffff));
}

export class SpdyProtocolError extends Error {}

function need(payload: Buffer, n: number, what: string): void {
  if (payload.length < n) throw new SpdyProtocolError(`${what} frame too short (${payload.length} bytes)`);
}

function decodeControl(type: number, flags: number, p: Buffer): SpdyFrame {
  const id = (off: number): number => p.readUInt32BE(off) & 0x7fffffff;
  switch (type) {
    case FrameType.SynStream:
      need(p, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: id(0),
        associatedId: id(4),
        priority: p[8]! >> 5,
        flags,
        block: p.subarray(10),
      };
    case FrameType.SynReply:
      need(p, 4, 'SYN_REPLY');
      return { type: 'syn_reply', streamId: id(0), flags, block: p.subarray(4) };
    case FrameType.Headers:
      need(p, 4, 'HEADERS');
      return { type: 'headers', streamId: id(0), flags, block: p.subarray(4) };
    case FrameType.RstStream:
      need(p, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: id(0), status: p.readUInt32BE(4) };
    case FrameType.Settings: {
      need(p, 4, 'SETTINGS');
      const n = p.readUInt32BE(0);
      need(p, 4 + n * 8, 'SETTINGS');
      const entries: SettingsEntry[] = [];
      for (let i = 0; i < n; i++) {
        const fid = p.readUInt32BE(4 + i * 8);
        entries.push({ flags: fid >>> 24, id: fid & 0xffffff, value: p.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', flags, entries };
    }
    case FrameType.Ping:
      need(p, 4, 'PING');
      return { type: 'ping', id: p.readUInt32BE(0) };
    case FrameType.GoAway:
      need(p, 4, 'GOAWAY');
      return { type: 'goaway', lastGoodStreamId: id(0), status: p.length >= 8 ? p.readUInt32BE(4) : 0 };
    case FrameType.WindowUpdate:
      need(p, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: id(0), delta: id(4) };
    default:
      return { type: 'unknown', frameType: type, flags, payload: p };
  }
}

/** Turns incoming bytes into frames; `push` returns the frames the chunk completed. */
export class SpdyFrameParser {
  #chunks: Buffer[] = [];
  #size = 0;

  push(chunk: Buffer): SpdyFrame[] {
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
    }
    const out: SpdyFrame[] = [];
    while (this.#size >= 8) {
      if (this.#chunks[0]!.length < 8) this.#chunks = [Buffer.concat(this.#chunks)];
      const head = this.#chunks[0]!;
      const len = head.readUInt32BE(4) & 0xffffff;
      if (this.#size < 8 + len) break;
      const frame = this.#take(8 + len);
      const flags = frame[4]!;
      const payload = frame.subarray(8);
      const first = frame.readUInt32BE(0);
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        out.push(decodeControl(first & 0xffff, flags, payload));
      } else {
        out.push({ type: 'data', streamId: first & 0x7fffffff, flags, data: payload });
      }
    }
    return out;
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]!;
    this.#size -= n;
    if (first.length >= n) {
      if (first.length === n) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const all = Buffer.concat(this.#chunks);
    this.#chunks = all.length > n ? [all.subarray(n)] : [];
    return all.subarray(0, n);
  }

  /** Bytes received but not yet part of a whole frame. */
  get pending(): number {
    return this.#size;
  }
}
