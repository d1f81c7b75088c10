/**
 * An HTTP/2 client connection (RFC 9113) over one TCP or TLS socket, made for gRPC: many
 * concurrent request streams, each sending one header block and data, and receiving
 * headers, data and trailers. It keeps the protocol's obligations: the connection preface
 * and SETTINGS (acknowledged both ways), flow control in both directions (sending no more
 * than the peer's windows allow, and opening ours as data is consumed), the peer's limit
 * on concurrent streams (further requests wait for a slot), PING answers, GOAWAY (streams
 * the peer did not take fail as refused; the rest finish) and RST_STREAM.
 *
 * Why not node:http2: its client spends about 100 us of CPU per request on this machine
 * (an AsyncResource with deprecated accessors per request, stream objects, event
 * emitters), several times what the request itself costs, and the etcd backend sends one
 * per write. This one writes the frames of all requests made in one turn of the event loop
 * in one socket write.
 *
 * It must not know gRPC: statuses, deadlines and retries are the channel's. It does not
 * offer server push (disabled in SETTINGS), priorities, or upgrades from HTTP/1.1.
 */
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import { Fifo } from '../../../../util/fifo.js';
import {
  DEFAULT_MAX_FRAME,
  DEFAULT_WINDOW,
  ErrorCode,
  Flag,
  type Frame,
  FrameError,
  FrameReader,
  FrameType,
  frame,
  MAX_WINDOW,
  PREFACE,
  Setting,
  settingsFrame,
  unpad,
  wordsFrame,
} from './frames.js';
import { DEFAULT_TABLE_SIZE, HpackDecoder, HpackError } from './hpack.js';
import { type ClientStream, Stream, StreamError, type StreamHandlers, type StreamOwner } from './stream.js';

export { type ClientStream, StreamError, type StreamHandlers } from './stream.js';

export interface ConnectionOptions {
  /** Receive window of each stream (default 8 MiB): long answers arrive without waiting. */
  streamWindow?: number;
  /** Receive window of the connection (default 64 MiB). */
  connectionWindow?: number;
}

/** Stream ids are 31-bit and never reused: a connection that used them all takes no more. */
const LAST_STREAM_ID = 2 ** 31 - 1;

export class H2Connection implements StreamOwner {
  private readonly socket: Socket;
  private readonly reader = new FrameReader(DEFAULT_MAX_FRAME);
  private readonly hpack = new HpackDecoder(DEFAULT_TABLE_SIZE);
  private readonly streams = new Map<number, Stream>();
  /** Streams waiting for the peer's concurrency limit. */
  private readonly waiting = new Fifo<Stream>();
  /** Open streams with data held back by flow control. */
  private readonly blocked = new Set<Stream>();
  private nextId = 1;
  private peerMaxStreams = Number.POSITIVE_INFINITY;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxFrame = DEFAULT_MAX_FRAME;
  private sendWindow = DEFAULT_WINDOW;
  private consumed = 0;
  private readonly streamWindow: number;
  private readonly connectionWindow: number;
  /** A header block arriving in HEADERS + CONTINUATION frames. */
  private partial: { stream: number; end: boolean; fragments: Buffer[] } | undefined;
  private out: Buffer[] = [];
  private flushing = false;
  private readonly pings = new Map<string, (err: Error | undefined) => void>();
  private pingCount = 0;
  private goingAway = false;
  private failure: string | undefined;

  /**
   * Connects to `url` (http: plain TCP with prior knowledge; https: TLS with ALPN h2 and
   * the system's CAs). `onClosed` runs once when the connection is over, saying why;
   * `onGoaway` when the peer asks for no new streams.
   */
  constructor(
    url: URL,
    private readonly onClosed: (why: string) => void,
    private readonly onGoaway: () => void,
    opts: ConnectionOptions = {},
  ) {
    this.streamWindow = opts.streamWindow ?? 8 * 1024 * 1024;
    this.connectionWindow = opts.connectionWindow ?? 64 * 1024 * 1024;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const tls = url.protocol === 'https:';
    const port = Number(url.port) || (tls ? 443 : 80);
    if (tls) {
      const s: TLSSocket = tlsConnect({
        host,
        port,
        ALPNProtocols: ['h2'],
        ...(isIP(host) ? {} : { servername: host }),
      });
      s.once('secureConnect', () => {
        if (s.alpnProtocol !== 'h2') this.destroy(`${url.host} did not agree to HTTP/2 (ALPN)`);
      });
      this.socket = s;
    } else {
      this.socket = netConnect({ host, port });
    }
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.receive(chunk));
    this.socket.on('error', (err) => this.destroy(err.message));
    this.socket.on('close', () => this.destroy('the connection closed'));
    this.socket.on('end', () => this.destroy('the peer closed the connection'));
    // An idle connection does not hold the process open (calls in flight have deadline timers).
    this.socket.unref();
    this.send(PREFACE);
    this.send(
      ...settingsFrame([
        [Setting.ENABLE_PUSH, 0],
        [Setting.INITIAL_WINDOW_SIZE, this.streamWindow],
      ]),
    );
    const more = this.connectionWindow - DEFAULT_WINDOW;
    if (more > 0) this.send(...wordsFrame(FrameType.WINDOW_UPDATE, 0, [more]));
  }

  /** Whether a new stream may be started (not failed, not told to go away, ids left). */
  get usable(): boolean {
    return this.failure === undefined && !this.goingAway && this.nextId < LAST_STREAM_ID;
  }

  /** Why the connection failed, if it did. */
  get failed(): string | undefined {
    return this.failure;
  }

  /**
   * Starts a stream with this header block (encodeHeaders) and, if given, its first data.
   * Throws StreamError when the connection takes no new streams.
   */
  request(headerBlock: Buffer, handlers: StreamHandlers, data?: Buffer, end = false): ClientStream {
    if (!this.usable) throw new StreamError(this.failure ?? 'the connection takes no new streams');
    const s = new Stream(this, headerBlock, handlers);
    if (data || end) s.write(data ?? Buffer.alloc(0), end);
    if (this.streams.size < this.peerMaxStreams) this.open(s);
    else this.waiting.push(s);
    return s;
  }

  /** Pings the peer; `done` runs with the answer, or with an error if the connection fails first. */
  ping(done: (err: Error | undefined) => void): void {
    if (this.failure !== undefined) {
      done(new Error(this.failure));
      return;
    }
    const payload = Buffer.alloc(8);
    payload.writeUInt32BE(++this.pingCount, 4);
    this.pings.set(payload.toString('hex'), done);
    this.send(...frame(FrameType.PING, 0, 0, payload));
  }

  /** Tears the connection down: every stream fails with `why`. */
  destroy(why: string): void {
    if (this.failure !== undefined) return;
    this.failure = why;
    const err = new StreamError(why);
    for (const s of [...this.streams.values(), ...this.waiting.drain()]) this.close(s, err);
    this.streams.clear();
    this.blocked.clear();
    for (const done of this.pings.values()) done(new Error(why));
    this.pings.clear();
    this.out = [];
    this.socket.destroy();
    this.onClosed(why);
  }

  // ---- sending ------------------------------------------------------------------------

  private open(s: Stream): void {
    s.id = this.nextId;
    this.nextId += 2;
    s.sendWindow = this.peerInitialWindow;
    this.streams.set(s.id, s);
    const endNow = s.pendingEnd && s.pending.length === 0;
    const flags = Flag.END_HEADERS | (endNow ? Flag.END_STREAM : 0);
    // Header blocks of requests are small; one larger than a frame is split into CONTINUATION.
    const block = s.headerBlock;
    if (block.byteLength <= this.peerMaxFrame) {
      this.send(...frame(FrameType.HEADERS, flags, s.id, block));
    } else {
      let pos = 0;
      while (pos < block.byteLength) {
        const end = Math.min(pos + this.peerMaxFrame, block.byteLength);
        const last = end === block.byteLength;
        const type = pos === 0 ? FrameType.HEADERS : FrameType.CONTINUATION;
        const f = (pos === 0 ? flags & ~Flag.END_HEADERS : 0) | (last ? Flag.END_HEADERS : 0);
        this.send(...frame(type, f, s.id, block.subarray(pos, end)));
        pos = end;
      }
    }
    if (endNow) s.endedLocally();
    else this.pump(s);
  }

  /** Sends as much of a stream's pending data as the windows allow. */
  pump(s: Stream): void {
    if (s.over || this.failure !== undefined) return;
    while (s.pending.length > 0) {
      const chunk = s.pending[0] as Buffer;
      const n = Math.min(chunk.byteLength, this.sendWindow, s.sendWindow, this.peerMaxFrame);
      if (n <= 0) {
        this.blocked.add(s);
        return;
      }
      const whole = n === chunk.byteLength;
      if (whole) s.pending.shift();
      else s.pending[0] = chunk.subarray(n);
      const end = whole && s.pending.length === 0 && s.pendingEnd;
      this.send(
        ...frame(FrameType.DATA, end ? Flag.END_STREAM : 0, s.id, whole ? chunk : chunk.subarray(0, n)),
      );
      this.sendWindow -= n;
      s.sendWindow -= n;
      if (end) s.endedLocally();
    }
    this.blocked.delete(s);
    if (s.pendingEnd) {
      this.send(...frame(FrameType.DATA, Flag.END_STREAM, s.id));
      s.endedLocally();
    }
  }

  private unblock(): void {
    for (const s of [...this.blocked]) {
      if (this.sendWindow <= 0) return;
      this.pump(s);
    }
  }

  /**
   * Queues frames; everything queued in one iteration of the event loop goes out in one
   * write, in its check phase. A write to a loopback socket costs the writer the kernel's
   * delivery work too: one write per request (flushing at the end of each tick) was 17 % of
   * the server's CPU in a profile of the etcd benchmark.
   */
  private send(...bufs: Buffer[]): void {
    if (this.failure !== undefined) return;
    for (const b of bufs) this.out.push(b);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = false;
    const out = this.out;
    if (out.length === 0 || this.failure !== undefined) return;
    this.out = [];
    this.socket.write(out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out));
  }

  // ---- receiving ----------------------------------------------------------------------

  private receive(chunk: Buffer): void {
    try {
      this.reader.push(chunk, (f) => this.frame(f));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      if (err instanceof FrameError || err instanceof HpackError) {
        this.goaway(err instanceof HpackError ? ErrorCode.COMPRESSION_ERROR : ErrorCode.PROTOCOL_ERROR);
        this.destroy(`HTTP/2 protocol error: ${why}`);
      } else {
        // A stream's owner threw while handling what arrived: the rest of the chunk is lost to
        // every stream, so the connection cannot go on either (its calls fail and are retried).
        this.destroy(`error while handling an answer: ${why}`);
      }
    }
  }

  private frame(f: Frame): void {
    if (this.failure !== undefined) return;
    if (this.partial && f.type !== FrameType.CONTINUATION) {
      throw new FrameError('a header block was interrupted by another frame');
    }
    switch (f.type) {
      case FrameType.DATA:
        return this.onData(f);
      case FrameType.HEADERS:
        return this.onHeaders(f);
      case FrameType.CONTINUATION:
        return this.onContinuation(f);
      case FrameType.RST_STREAM:
        return this.onReset(f);
      case FrameType.SETTINGS:
        return this.onSettings(f);
      case FrameType.PING:
        return this.onPing(f);
      case FrameType.GOAWAY:
        return this.onGoawayFrame(f);
      case FrameType.WINDOW_UPDATE:
        return this.onWindowUpdate(f);
      case FrameType.PUSH_PROMISE:
        throw new FrameError('PUSH_PROMISE although push is disabled');
      default:
        // PRIORITY and unknown frame types are ignored (RFC 9113 section 4.1).
        return;
    }
  }

  private onData(f: Frame): void {
    if (f.stream === 0) throw new FrameError('DATA on stream 0');
    // Padding counts against the windows too; the connection's is opened for any stream.
    const len = f.payload.byteLength;
    this.consumed += len;
    if (this.consumed >= this.connectionWindow / 2) {
      this.send(...wordsFrame(FrameType.WINDOW_UPDATE, 0, [this.consumed]));
      this.consumed = 0;
    }
    const s = this.streams.get(f.stream);
    if (!s) return;
    const end = (f.flags & Flag.END_STREAM) !== 0;
    if (!end && len > 0) {
      s.consumed += len;
      if (s.consumed >= this.streamWindow / 2) {
        this.send(...wordsFrame(FrameType.WINDOW_UPDATE, s.id, [s.consumed]));
        s.consumed = 0;
      }
    }
    s.handlers.data(unpad(f), end);
    if (end) this.finish(s, undefined);
  }

  private onHeaders(f: Frame): void {
    if (f.stream === 0) throw new FrameError('HEADERS on stream 0');
    let p = unpad(f);
    if (f.flags & Flag.PRIORITY) p = p.subarray(5);
    const end = (f.flags & Flag.END_STREAM) !== 0;
    if (f.flags & Flag.END_HEADERS) this.onBlock(f.stream, end, p);
    else this.partial = { stream: f.stream, end, fragments: [p] };
  }

  private onContinuation(f: Frame): void {
    const part = this.partial;
    if (!part || part.stream !== f.stream) throw new FrameError('CONTINUATION without its HEADERS');
    part.fragments.push(f.payload);
    if (!(f.flags & Flag.END_HEADERS)) return;
    this.partial = undefined;
    this.onBlock(part.stream, part.end, Buffer.concat(part.fragments));
  }

  /** Every header block is decoded, even a closed stream's: the decoder's table depends on it. */
  private onBlock(id: number, end: boolean, block: Buffer): void {
    const fields = this.hpack.decode(block);
    const s = this.streams.get(id);
    if (!s) return;
    s.handlers.headers(fields, end);
    if (end) this.finish(s, undefined);
  }

  private onReset(f: Frame): void {
    if (f.payload.byteLength !== 4) throw new FrameError('RST_STREAM of the wrong size');
    const s = this.streams.get(f.stream);
    if (!s) return;
    const code = f.payload.readUInt32BE(0);
    this.finish(
      s,
      new StreamError(`the peer reset the stream (HTTP/2 error ${code})`, code),
      undefined,
      true,
    );
  }

  private onSettings(f: Frame): void {
    if (f.flags & Flag.ACK) return;
    if (f.payload.byteLength % 6 !== 0) throw new FrameError('SETTINGS of the wrong size');
    for (let i = 0; i < f.payload.byteLength; i += 6) {
      const id = f.payload.readUInt16BE(i);
      const value = f.payload.readUInt32BE(i + 2);
      if (id === Setting.MAX_CONCURRENT_STREAMS) {
        this.peerMaxStreams = value;
      } else if (id === Setting.INITIAL_WINDOW_SIZE) {
        if (value > MAX_WINDOW) throw new FrameError('initial window size above 2^31-1');
        const delta = value - this.peerInitialWindow;
        this.peerInitialWindow = value;
        for (const s of this.streams.values()) s.sendWindow += delta;
      } else if (id === Setting.MAX_FRAME_SIZE) {
        if (value < DEFAULT_MAX_FRAME || value > 16_777_215) throw new FrameError('invalid max frame size');
        this.peerMaxFrame = value;
      }
    }
    this.send(...frame(FrameType.SETTINGS, Flag.ACK, 0));
    this.unblock();
    this.startWaiting();
  }

  private onPing(f: Frame): void {
    if (f.payload.byteLength !== 8) throw new FrameError('PING of the wrong size');
    if (f.flags & Flag.ACK) {
      const key = f.payload.toString('hex');
      const done = this.pings.get(key);
      this.pings.delete(key);
      done?.(undefined);
      return;
    }
    this.send(...frame(FrameType.PING, Flag.ACK, 0, Buffer.from(f.payload)));
  }

  private onGoawayFrame(f: Frame): void {
    if (f.payload.byteLength < 8) throw new FrameError('GOAWAY of the wrong size');
    const last = f.payload.readUInt32BE(0) & 0x7fffffff;
    const code = f.payload.readUInt32BE(4);
    this.goingAway = true;
    const err = new StreamError(`the peer sent GOAWAY (HTTP/2 error ${code})`, ErrorCode.REFUSED_STREAM);
    for (const s of [...this.streams.values()]) if (s.id > last) this.finish(s, err, undefined, true);
    for (const s of this.waiting.drain()) this.close(s, err);
    this.onGoaway();
    if (this.streams.size === 0) this.destroy('the peer sent GOAWAY');
  }

  private onWindowUpdate(f: Frame): void {
    if (f.payload.byteLength !== 4) throw new FrameError('WINDOW_UPDATE of the wrong size');
    const inc = f.payload.readUInt32BE(0) & 0x7fffffff;
    if (f.stream === 0) {
      this.sendWindow += inc;
      this.unblock();
      return;
    }
    const s = this.streams.get(f.stream);
    if (!s) return;
    s.sendWindow += inc;
    if (this.blocked.has(s)) this.pump(s);
  }

  // ---- stream ends --------------------------------------------------------------------

  /**
   * A stream is over: forgotten, its owner told (unless it cancelled), a reset sent when
   * `reset` is given, and a waiting stream started in its place.
   */
  finish(s: Stream, err: StreamError | undefined, reset?: number, byPeer = false): void {
    if (s.over) return;
    if (reset !== undefined && s.id !== 0 && !byPeer) {
      this.send(...wordsFrame(FrameType.RST_STREAM, s.id, [reset]));
    }
    if (s.id === 0) {
      // Still waiting for a slot: it never reached the peer.
      s.over = true;
      return;
    }
    this.streams.delete(s.id);
    this.blocked.delete(s);
    if (reset === ErrorCode.CANCEL) s.over = true;
    else this.close(s, err);
    this.startWaiting();
    if (this.goingAway && this.streams.size === 0) this.destroy('the peer sent GOAWAY');
  }

  private close(s: Stream, err: StreamError | undefined): void {
    if (s.over) return;
    s.over = true;
    s.pending = [];
    s.handlers.closed(err);
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.streams.size < this.peerMaxStreams && this.usable) {
      const s = this.waiting.shift() as Stream;
      if (!s.over) this.open(s);
    }
  }

  private goaway(code: number): void {
    const last = Math.max(0, this.nextId - 2);
    this.send(...wordsFrame(FrameType.GOAWAY, 0, [last, code]));
    this.flush();
  }
}
