/**
 * A SPDY/3.1 session over any Duplex (a TCP socket after an HTTP upgrade, or the bytes
 * tunnelled in WebSocket binary messages), in the client role (odd stream ids) or the
 * server role (even ones). It frames, compresses headers (one zlib context per
 * direction), keeps stream and session flow-control windows, answers PINGs, and ends
 * with GOAWAY. Streams are ./stream.ts. It does not do the HTTP upgrade (./upgrade.ts).
 *
 * Events: 'goaway' (lastGoodStreamId), 'close' (once, after the transport is gone).
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  encodeData,
  encodeGoAway,
  encodePing,
  encodeRstStream,
  encodeSettings,
  encodeSynReply,
  encodeSynStream,
  encodeWindowUpdate,
  FLAG_FIN,
  GoAwayStatus,
  RstStatus,
  SETTINGS_INITIAL_WINDOW_SIZE,
  type SpdyFrame,
  SpdyFrameParser,
} from './frames.js';
import { HeaderCompressor, HeaderDecompressor, type SpdyHeaders } from './header-block.js';
import { SpdyStream, type StreamHost } from './stream.js';
import { FrameWriter } from './writer.js';

export const DEFAULT_WINDOW = 64 * 1024;

export interface SpdySessionOptions {
  role: 'client' | 'server';
  /**
   * Told of every stream the peer opens. Unless it replied or reset the stream itself,
   * the session sends an empty SYN_REPLY right after it returns.
   */
  onStream?: (stream: SpdyStream) => void;
  /** Initial receive window per stream, announced in SETTINGS (default 64 KiB). */
  receiveWindow?: number;
  /** Bytes already read from the transport (after the upgrade response). */
  head?: Buffer;
  /** How long close() waits for the peer to hang up before dropping it (default 5 s). */
  closeTimeoutMs?: number;
}

export class SpdySession extends EventEmitter implements StreamHost {
  readonly role: 'client' | 'server';
  readonly receiveWindow: number;
  /** True once the peer sent SETTINGS or WINDOW_UPDATE: from then on its windows bind us. */
  peerFlowControl = false;
  sessionSendWindow = DEFAULT_WINDOW;
  /** Why the session failed, if it did. */
  error: Error | undefined;
  #transport: Duplex;
  #onStream: ((s: SpdyStream) => void) | undefined;
  #streams = new Map<number, SpdyStream>();
  #nextId: number;
  #nextPing: number;
  #pings = new Map<number, () => void>();
  #lastPeerId = 0;
  #peerInitialWindow = DEFAULT_WINDOW;
  #sessionUnacked = 0;
  #compressor = new HeaderCompressor();
  #decompressor = new HeaderDecompressor();
  #parser = new SpdyFrameParser();
  #inbox: SpdyFrame[] = [];
  #processing = false;
  #writer: FrameWriter;
  #goAwaySent = false;
  #goAwayReceived = false;
  #gone = false;
  #peerEnded = false;
  #closedPending = false;
  #closeTimeout: number;

  constructor(transport: Duplex, opts: SpdySessionOptions) {
    super();
    this.#transport = transport;
    this.role = opts.role;
    this.#onStream = opts.onStream;
    this.receiveWindow = opts.receiveWindow ?? DEFAULT_WINDOW;
    this.#closeTimeout = opts.closeTimeoutMs ?? 5_000;
    this.#nextId = opts.role === 'client' ? 1 : 2;
    this.#nextPing = opts.role === 'client' ? 1 : 2;
    transport.on('data', (c: Buffer) => this.#onBytes(c));
    this.#writer = new FrameWriter(
      transport,
      () => this.transportGone,
      (e) => this.destroy(e),
    );
    transport.on('end', () => {
      this.#peerEnded = true;
      if (!this.#processing) this.#onTransportGone();
    });
    transport.on('error', (e: Error) => {
      this.error ??= e;
    });
    transport.on('close', () => this.#onTransportGone(true));
    this.#write(encodeSettings([{ flags: 0, id: SETTINGS_INITIAL_WINDOW_SIZE, value: this.receiveWindow }]));
    if (opts.head && opts.head.length > 0) this.#onBytes(opts.head);
  }

  get transportGone(): boolean {
    return this.#gone || this.#transport.destroyed;
  }

  /** Streams open now. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Opens a stream (SYN_STREAM). `fin`: this side will send nothing on it. */
  openStream(headers: SpdyHeaders, opts: { fin?: boolean } = {}): SpdyStream {
    if (this.#goAwayReceived || this.#goAwaySent || this.transportGone) {
      throw new Error('spdy session is closing: no new streams');
    }
    const id = this.#nextId;
    this.#nextId += 2;
    const stream = new SpdyStream(this, id, headers, this.#peerInitialWindow, { outgoing: true });
    this.#streams.set(id, stream);
    this.#write(
      this.#compressor.compress(headers).then((b) => encodeSynStream(id, b, opts.fin ? FLAG_FIN : 0)),
    );
    if (opts.fin) stream._finSentWithSyn();
    return stream;
  }

  /** Round trip of a PING; rejects after `timeoutMs`. */
  ping(timeoutMs = 10_000): Promise<void> {
    const id = this.#nextPing;
    this.#nextPing += 2;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pings.delete(id);
        reject(new Error('spdy ping timed out'));
      }, timeoutMs);
      timer.unref();
      this.#pings.set(id, () => {
        clearTimeout(timer);
        resolve();
      });
      this.#write(encodePing(id));
    });
  }

  /** Sends GOAWAY, then hangs up once queued frames are written (bounded wait for the peer). */
  close(): void {
    if (this.#gone) return;
    if (!this.#goAwaySent) {
      this.#goAwaySent = true;
      this.#write(encodeGoAway(this.#lastPeerId, GoAwayStatus.Ok));
    }
    this.#writer.endWhenFlushed();
    setTimeout(() => this.#transport.destroy(), this.#closeTimeout).unref();
  }

  /** Drops the transport at once. */
  destroy(err?: Error): void {
    if (err) this.error ??= err;
    this.#transport.destroy();
  }

  // ---- StreamHost ----

  sendData(id: number, data: Buffer, fin: boolean): boolean {
    return this.#write(encodeData(id, data, fin));
  }

  sendReply(id: number, headers: SpdyHeaders, fin: boolean): void {
    this.#write(this.#compressor.compress(headers).then((b) => encodeSynReply(id, b, fin ? FLAG_FIN : 0)));
  }

  sendRst(id: number, status: number): void {
    this.#write(encodeRstStream(id, status));
  }

  sendWindowUpdate(id: number, delta: number): void {
    if (delta > 0) this.#write(encodeWindowUpdate(id, delta));
  }

  whenDrained(cb: () => void): void {
    this.#writer.whenDrained(cb);
  }

  streamDone(stream: SpdyStream): void {
    if (this.#streams.get(stream.id) === stream) this.#streams.delete(stream.id);
  }

  #write(frame: Buffer | Promise<Buffer>): boolean {
    return this.#writer.write(frame);
  }

  // ---- input ----

  #onBytes(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.#parser.push(chunk);
    } catch (err) {
      return this.#protocolError(err as Error);
    }
    for (const f of frames) this.#inbox.push(f);
    if (this.#inbox.length > 1024) this.#transport.pause();
    void this.#process();
  }

  async #process(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      while (this.#inbox.length > 0) {
        const f = this.#inbox.shift()!;
        let headers: SpdyHeaders = {};
        if (f.type === 'syn_stream' || f.type === 'syn_reply' || f.type === 'headers') {
          headers = await this.#decompressor.decompress(f.block);
        }
        this.#handle(f, headers);
        if (this.#inbox.length < 256 && this.#transport.isPaused()) this.#transport.resume();
      }
    } catch (err) {
      this.#protocolError(err as Error);
    } finally {
      this.#processing = false;
    }
    if (this.#peerEnded) this.#onTransportGone(this.#closedPending);
  }

  #handle(f: SpdyFrame, headers: SpdyHeaders): void {
    switch (f.type) {
      case 'data':
        return this.#onDataFrame(f.streamId, f.data, (f.flags & FLAG_FIN) !== 0);
      case 'syn_stream':
        return this.#onSynStream(f.streamId, headers, (f.flags & FLAG_FIN) !== 0);
      case 'syn_reply':
        return this.#streams.get(f.streamId)?._onReply(headers, (f.flags & FLAG_FIN) !== 0);
      case 'headers': {
        const s = this.#streams.get(f.streamId);
        if (!s) return;
        Object.assign(s.headers, headers);
        if (f.flags & FLAG_FIN) s._onData(Buffer.alloc(0), true);
        return;
      }
      case 'rst_stream': {
        const s = this.#streams.get(f.streamId);
        this.#streams.delete(f.streamId);
        return s?._onReset(f.status);
      }
      case 'settings':
        for (const e of f.entries) {
          if (e.id !== SETTINGS_INITIAL_WINDOW_SIZE) continue;
          const delta = e.value - this.#peerInitialWindow;
          this.#peerInitialWindow = e.value;
          this.peerFlowControl = true;
          for (const s of this.#streams.values()) s.sendWindow += delta;
        }
        return this.#pumpAll();
      case 'ping':
        if ((f.id & 1) === (this.role === 'client' ? 1 : 0)) this.#pings.get(f.id)?.();
        else this.#write(encodePing(f.id));
        return;
      case 'goaway':
        this.#goAwayReceived = true;
        this.emit('goaway', f.lastGoodStreamId);
        return;
      case 'window_update':
        this.peerFlowControl = true;
        if (f.streamId === 0) this.sessionSendWindow += f.delta;
        else {
          const s = this.#streams.get(f.streamId);
          if (s) s.sendWindow += f.delta;
        }
        return this.#pumpAll();
      case 'unknown':
        return;
    }
  }

  #onDataFrame(id: number, data: Buffer, fin: boolean): void {
    this.#sessionUnacked += data.length;
    // Only a peer that does flow control hears about it (see ./stream.ts).
    if (this.#sessionUnacked >= DEFAULT_WINDOW / 2 && this.peerFlowControl) {
      this.sendWindowUpdate(0, this.#sessionUnacked);
      this.#sessionUnacked = 0;
    }
    const s = this.#streams.get(id);
    if (s) s._onData(data, fin);
    else if (id > this.#lastPeerId && (id & 1) !== (this.#nextId & 1))
      this.sendRst(id, RstStatus.InvalidStream);
  }

  #onSynStream(id: number, headers: SpdyHeaders, fin: boolean): void {
    if ((id & 1) === (this.#nextId & 1) || id <= this.#lastPeerId) {
      return this.sendRst(id, RstStatus.ProtocolError);
    }
    this.#lastPeerId = id;
    if (this.#goAwaySent || !this.#onStream) return this.sendRst(id, RstStatus.RefusedStream);
    const stream = new SpdyStream(this, id, headers, this.#peerInitialWindow, { outgoing: false });
    this.#streams.set(id, stream);
    if (fin) stream._onData(Buffer.alloc(0), true);
    try {
      this.#onStream(stream);
    } catch (err) {
      stream.destroy(err as Error);
      return;
    }
    if (!stream.replied && !stream.destroyed) stream.reply();
  }

  #pumpAll(): void {
    for (const s of [...this.#streams.values()]) s._pump();
  }

  #protocolError(err: Error): void {
    this.error ??= err;
    if (!this.#goAwaySent && !this.transportGone) {
      this.#goAwaySent = true;
      this.#transport.write(encodeGoAway(this.#lastPeerId, GoAwayStatus.ProtocolError));
    }
    this.#transport.destroy();
  }

  #onTransportGone(closed = false): void {
    // Frames already received are handled first (a SYN_REPLY may still be decompressing).
    if (this.#processing && !this.#gone) {
      this.#peerEnded = true;
      this.#closedPending ||= closed;
      return;
    }
    if (!this.#gone) {
      this.#gone = true;
      for (const s of [...this.#streams.values()]) s._onSessionGone();
      this.#streams.clear();
      this.#writer.releaseWaiters();
      this.#compressor.close();
      this.#decompressor.close();
      if (!this.#transport.writableEnded && !this.#transport.destroyed) this.#transport.end();
    }
    if (closed) this.emit('close', this.error);
  }
}
