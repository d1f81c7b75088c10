/**
 * One SPDY/3.1 stream as a Duplex: the readable side yields the peer's DATA (ending at its
 * FIN), the writable side sends DATA (end() sends an empty DATA with FIN: a half-close).
 * Destroying a stream that is not finished both ways resets it (RST_STREAM CANCEL).
 *
 * Flow control: the send window starts at the peer's initial window and shrinks with
 * every DATA sent; writes wait for WINDOW_UPDATE only once the peer has shown it does
 * flow control (see SpdySession.peerFlowControl: Go's spdystream, used by kubectl and
 * containerd, never sends WINDOW_UPDATE and would otherwise stall). The receive side
 * acknowledges data with WINDOW_UPDATE as the reader consumes it, to a peer that does flow
 * control only: spdystream ignores the frames, and one arriving after it closed the
 * connection makes its kernel answer with a reset that discards the data this side has
 * not read yet (the end of an exec's output). The frames themselves
 * go through the StreamHost (the session); this file owns no socket.
 */
import { Duplex } from 'node:stream';
import { RstStatus } from './frames.js';
import type { SpdyHeaders } from './header-block.js';

/** Largest DATA payload this side sends in one frame. */
export const MAX_DATA_CHUNK = 32 * 1024;

/** What a stream needs from its session. */
export interface StreamHost {
  readonly peerFlowControl: boolean;
  /** Session-level send window (SPDY/3.1). */
  sessionSendWindow: number;
  /** This side's initial receive window per stream. */
  readonly receiveWindow: number;
  readonly transportGone: boolean;
  /** Queues a DATA frame; false when the transport is full (then call whenDrained). */
  sendData(id: number, data: Buffer, fin: boolean): boolean;
  sendReply(id: number, headers: SpdyHeaders, fin: boolean): void;
  sendRst(id: number, status: number): void;
  sendWindowUpdate(id: number, delta: number): void;
  whenDrained(cb: () => void): void;
  streamDone(stream: SpdyStream): void;
}

export class SpdyStreamResetError extends Error {
  constructor(
    readonly streamId: number,
    readonly status: number,
  ) {
    super(`spdy stream ${streamId} reset by peer (status ${status})`);
  }
}

export class SpdyStream extends Duplex {
  readonly id: number;
  /** SYN_STREAM headers (ours for a stream we opened, the peer's otherwise). */
  readonly headers: SpdyHeaders;
  /** The SYN_REPLY headers, once received (streams we opened). */
  replyHeaders: SpdyHeaders | undefined;
  sendWindow: number;
  #host: StreamHost;
  #pending: { chunk: Buffer; cb: (err?: Error | null) => void } | undefined;
  #finSent = false;
  #finReceived = false;
  #replied = false;
  /** A stream we opened sends nothing before the SYN_REPLY: Go's spdystream drops such DATA. */
  #awaitingReply: boolean;
  #deferredFinal: ((err?: Error | null) => void) | undefined;
  #unacked = 0;
  #done = false;
  #replyWaiters: { resolve: (h: SpdyHeaders) => void; reject: (e: Error) => void }[] = [];

  constructor(
    host: StreamHost,
    id: number,
    headers: SpdyHeaders,
    sendWindow: number,
    opts: { outgoing: boolean },
  ) {
    super({ allowHalfOpen: true });
    this.#host = host;
    this.id = id;
    this.headers = headers;
    this.sendWindow = sendWindow;
    this.#replied = opts.outgoing;
    this.#awaitingReply = opts.outgoing;
  }

  /** The SPDY header value (case-insensitive name). */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.split('\0')[0];
  }

  /** Answers the peer's SYN_STREAM (once). */
  reply(headers: SpdyHeaders = {}, fin = false): void {
    if (this.#replied) return;
    this.#replied = true;
    this.#host.sendReply(this.id, headers, fin);
    if (fin) this.#finSent = true;
    this.#checkDone();
  }

  get replied(): boolean {
    return this.#replied;
  }

  /** Resolves with the SYN_REPLY headers of a stream we opened. */
  waitReply(timeoutMs: number): Promise<SpdyHeaders> {
    if (this.replyHeaders) return Promise.resolve(this.replyHeaders);
    if (this.destroyed) return Promise.reject(new Error(`spdy stream ${this.id} closed before its reply`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for the reply to spdy stream ${this.id}`)),
        timeoutMs,
      );
      timer.unref();
      this.#replyWaiters.push({
        resolve: (h) => {
          clearTimeout(timer);
          resolve(h);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  /** Sends RST_STREAM and destroys the stream. */
  reset(status: number = RstStatus.Cancel): void {
    if (!this.#done) {
      this.#done = true;
      this.#host.sendRst(this.id, status);
      this.#host.streamDone(this);
    }
    this.destroy();
  }

  // ---- called by the session ----

  _onReply(headers: SpdyHeaders, fin: boolean): void {
    this.replyHeaders = headers;
    this.#awaitingReply = false;
    for (const w of this.#replyWaiters.splice(0)) w.resolve(headers);
    this._pump();
    const final = this.#deferredFinal;
    this.#deferredFinal = undefined;
    if (final && !this.#pending) this._final(final);
    if (fin) this._onData(Buffer.alloc(0), true);
  }

  _onData(data: Buffer, fin: boolean): void {
    if (this.#finReceived) return;
    if (data.length > 0) {
      this.#unacked += data.length;
      const more = this.push(data);
      if (more) this.#ack(false);
    }
    if (fin) {
      this.#finReceived = true;
      this.push(null);
      this.#checkDone();
    }
  }

  /** The SYN_STREAM carried FIN: this side never sends DATA. */
  _finSentWithSyn(): void {
    this.#finSent = true;
    this.#awaitingReply = false;
    this.end();
  }

  #releaseFinal(): void {
    const final = this.#deferredFinal;
    this.#deferredFinal = undefined;
    final?.();
  }

  _onReset(status: number): void {
    this.#done = true;
    this.#releaseFinal();
    const err = new SpdyStreamResetError(this.id, status);
    for (const w of this.#replyWaiters.splice(0)) w.reject(err);
    // A reset after both halves were used is how Go's spdystream ends a stream early;
    // readers see an end, writers an error.
    if (!this.#finReceived) {
      this.#finReceived = true;
      this.push(null);
    }
    if (this.#pending) {
      const p = this.#pending;
      this.#pending = undefined;
      p.cb(err);
    }
    if (!this.writableFinished) this.destroy(status === RstStatus.Cancel ? undefined : err);
  }

  /** The transport is gone: reading ends, writing fails. */
  _onSessionGone(): void {
    this.#done = true;
    this.#releaseFinal();
    for (const w of this.#replyWaiters.splice(0)) w.reject(new Error('spdy session closed'));
    if (!this.#finReceived) {
      this.#finReceived = true;
      this.push(null);
    }
    if (this.#pending) {
      const p = this.#pending;
      this.#pending = undefined;
      p.cb(new Error('spdy session closed'));
    }
  }

  /** The send window grew (WINDOW_UPDATE or SETTINGS): resume a waiting write. */
  _pump(): void {
    const p = this.#pending;
    if (!p || this.#awaitingReply) return;
    while (p.chunk.length > 0) {
      if (this.#host.transportGone) {
        this.#pending = undefined;
        return p.cb(new Error('spdy session closed'));
      }
      let n = Math.min(p.chunk.length, MAX_DATA_CHUNK);
      if (this.#host.peerFlowControl) n = Math.min(n, this.sendWindow, this.#host.sessionSendWindow);
      if (n <= 0) return;
      this.sendWindow -= n;
      this.#host.sessionSendWindow -= n;
      const ok = this.#host.sendData(this.id, p.chunk.subarray(0, n), false);
      p.chunk = p.chunk.subarray(n);
      if (p.chunk.length === 0) {
        this.#pending = undefined;
        if (ok) p.cb();
        else this.#host.whenDrained(() => p.cb());
        return;
      }
    }
  }

  // ---- Duplex ----

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.#finSent || this.#done) return cb(new Error(`spdy stream ${this.id} is closed for writing`));
    if (chunk.length === 0) return cb();
    this.#pending = { chunk, cb };
    this._pump();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (this.#awaitingReply && !this.#done && !this.#host.transportGone) {
      this.#deferredFinal = cb;
      return;
    }
    if (!this.#finSent && !this.#done && !this.#host.transportGone) {
      this.#finSent = true;
      this.#host.sendData(this.id, Buffer.alloc(0), true);
    }
    this.#finSent = true;
    this.#checkDone();
    cb();
  }

  override _read(): void {
    this.#ack(true);
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    if (!this.#done) {
      this.#done = true;
      if (!this.#host.transportGone) this.#host.sendRst(this.id, RstStatus.Cancel);
      this.#host.streamDone(this);
    }
    for (const w of this.#replyWaiters.splice(0))
      w.reject(err ?? new Error(`spdy stream ${this.id} destroyed`));
    cb(err);
  }

  #ack(force: boolean): void {
    if (this.#unacked === 0 || this.#finReceived) return;
    if (!force && this.#unacked < this.#host.receiveWindow / 2) return;
    if (!this.#host.peerFlowControl) return;
    this.#host.sendWindowUpdate(this.id, this.#unacked);
    this.#unacked = 0;
  }

  #checkDone(): void {
    if (this.#done || !this.#finSent || !this.#finReceived) return;
    this.#done = true;
    this.#host.streamDone(this);
  }
}
