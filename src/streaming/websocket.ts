/**
 * One RFC 6455 connection over an already upgraded byte stream, in either role: message
 * reassembly from fragments, masking (clients mask, servers refuse unmasked frames),
 * ping/pong, the close handshake (bounded by a timer) and backpressure (send() returns
 * false when the socket's buffer is full; wait for 'drain'; pause()/resume() stop
 * reading). No extensions are negotiated. The HTTP handshake is ./websocket-handshake.ts.
 *
 * Events: 'message' (data: Buffer, binary: boolean), 'ping' (Buffer), 'pong' (Buffer),
 * 'drain', and 'close' (code: number, reason: string) exactly once, after the socket is
 * gone (1006 when no close frame was received). No 'error' event is emitted; the cause
 * of an abnormal close is kept in `error`.
 */
import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { encodeFrame, FrameParser, FrameTooLargeError, Opcode, type WsFrame } from './websocket-frame.js';

export interface WebSocketOptions {
  role: 'server' | 'client';
  /** The negotiated subprotocol ('' when none). */
  protocol: string;
  /** Bytes already read past the handshake. */
  head?: Buffer;
  /** Largest message accepted (default 64 MiB); larger ones close with 1009. */
  maxMessageBytes?: number;
  /** How long close() waits for the peer before dropping the socket (default 5 s). */
  closeTimeoutMs?: number;
}

export interface SendOptions {
  /** Text frame instead of binary. */
  text?: boolean;
  /** Split the message into frames of at most this many bytes. */
  fragmentSize?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function validCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

export class WebSocket extends EventEmitter {
  readonly protocol: string;
  readonly role: 'server' | 'client';
  /** Why the connection failed, when it did. */
  error: Error | undefined;
  #socket: Duplex;
  #parser: FrameParser;
  #maxMessage: number;
  #closeTimeout: number;
  #fragments: Buffer[] = [];
  #fragmentBytes = 0;
  #fragmentOpcode = -1;
  #sentClose = false;
  #gotClose = false;
  #closeCode = 1006;
  #closeReason = '';
  #closed = false;
  #failed = false;
  #head: Buffer | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(socket: Duplex, opts: WebSocketOptions) {
    super();
    this.#socket = socket;
    this.role = opts.role;
    this.protocol = opts.protocol;
    this.#maxMessage = opts.maxMessageBytes ?? 64 * 1024 * 1024;
    this.#closeTimeout = opts.closeTimeoutMs ?? 5_000;
    this.#parser = new FrameParser(this.#maxMessage);
    socket.on('data', (chunk: Buffer) => {
      this.#takeHead();
      this.#onData(chunk);
    });
    socket.on('drain', () => this.emit('drain'));
    socket.on('end', () => this.#onEnd());
    socket.on('error', (err: Error) => {
      this.error ??= err;
    });
    socket.on('close', () => this.#onSocketClose());
    // Later than the caller's continuation, so that its 'message' listeners see these bytes.
    if (opts.head && opts.head.length > 0) {
      this.#head = opts.head;
      setImmediate(() => this.#takeHead());
    }
  }

  /** 'open' until a close frame was sent or received, then 'closing', then 'closed'. */
  get state(): 'open' | 'closing' | 'closed' {
    if (this.#closed) return 'closed';
    return this.#sentClose || this.#gotClose ? 'closing' : 'open';
  }

  /** Bytes queued in the socket, not yet written. */
  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  /** Sends one message; false when the caller should wait for 'drain'. Dropped once closing. */
  send(data: Buffer | string, opts: SendOptions = {}): boolean {
    if (this.#sentClose || this.#closed) return false;
    const text = opts.text ?? typeof data === 'string';
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    const size = opts.fragmentSize && opts.fragmentSize > 0 ? opts.fragmentSize : buf.length || 1;
    let ok = true;
    let offset = 0;
    do {
      const part = buf.subarray(offset, offset + size);
      const opcode = offset === 0 ? (text ? Opcode.Text : Opcode.Binary) : Opcode.Continuation;
      offset += part.length;
      ok = this.#write(opcode, part, offset >= buf.length);
    } while (offset < buf.length);
    return ok;
  }

  ping(data: Buffer = Buffer.alloc(0)): void {
    if (!this.#sentClose && !this.#closed) this.#write(Opcode.Ping, data.subarray(0, 125), true);
  }

  pong(data: Buffer = Buffer.alloc(0)): void {
    if (!this.#sentClose && !this.#closed) this.#write(Opcode.Pong, data.subarray(0, 125), true);
  }

  /** Starts (or answers) the close handshake; the socket is dropped after closeTimeoutMs. */
  close(code = 1000, reason = ''): void {
    if (this.#closed) return;
    // The peer's close frame must be read even if the reader had paused the socket.
    this.#socket.resume();
    if (!this.#sentClose) {
      this.#sentClose = true;
      const r = Buffer.from(reason, 'utf8').subarray(0, 123);
      const payload = Buffer.alloc(2 + r.length);
      payload.writeUInt16BE(code, 0);
      r.copy(payload, 2);
      this.#write(Opcode.Close, payload, true);
    }
    if (this.#gotClose && this.role === 'server') this.#socket.end();
    this.#timer ??= setTimeout(() => this.terminate(), this.#closeTimeout);
    this.#timer.unref?.();
  }

  /** Drops the connection without a handshake. */
  terminate(): void {
    this.#socket.destroy();
  }

  /** Stops reading from the socket (receive backpressure). */
  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  #takeHead(): void {
    const head = this.#head;
    this.#head = undefined;
    if (head) this.#onData(head);
  }

  #write(opcode: number, payload: Buffer, fin: boolean): boolean {
    if (this.#socket.destroyed || !this.#socket.writable) return false;
    return this.#socket.write(encodeFrame(opcode, payload, fin, this.role === 'client'));
  }

  #fail(code: number, reason: string): void {
    this.error ??= new Error(`websocket: ${reason}`);
    this.#failed = true;
    this.#fragments = [];
    this.close(code, reason);
    this.#socket.end();
  }

  #onData(chunk: Buffer): void {
    if (this.#gotClose || this.#closed || this.#failed) return;
    let frames: WsFrame[];
    try {
      frames = this.#parser.push(chunk);
    } catch (err) {
      if (err instanceof FrameTooLargeError) this.#fail(1009, 'message too big');
      else this.#fail(1002, 'malformed frame');
      return;
    }
    for (const f of frames) {
      if (this.#gotClose || this.#closed || this.#failed) return;
      this.#onFrame(f);
    }
  }

  #onFrame(f: WsFrame): void {
    if (f.rsv !== 0) return this.#fail(1002, 'reserved bits set');
    if (f.masked !== (this.role === 'server')) {
      return this.#fail(1002, this.role === 'server' ? 'unmasked client frame' : 'masked server frame');
    }
    if (f.opcode >= 0x8) {
      if (!f.fin || f.payload.length > 125) return this.#fail(1002, 'bad control frame');
      if (f.opcode === Opcode.Ping) {
        this.pong(f.payload);
        this.emit('ping', f.payload);
      } else if (f.opcode === Opcode.Pong) this.emit('pong', f.payload);
      else if (f.opcode === Opcode.Close) this.#onClose(f.payload);
      else this.#fail(1002, `unknown opcode ${f.opcode}`);
      return;
    }
    if (f.opcode === Opcode.Continuation) {
      if (this.#fragmentOpcode < 0) return this.#fail(1002, 'continuation without a message');
    } else if (f.opcode === Opcode.Text || f.opcode === Opcode.Binary) {
      if (this.#fragmentOpcode >= 0) return this.#fail(1002, 'new message inside a fragmented one');
      this.#fragmentOpcode = f.opcode;
    } else return this.#fail(1002, `unknown opcode ${f.opcode}`);
    this.#fragmentBytes += f.payload.length;
    if (this.#fragmentBytes > this.#maxMessage) return this.#fail(1009, 'message too big');
    this.#fragments.push(f.payload);
    if (!f.fin) return;
    const data = this.#fragments.length === 1 ? this.#fragments[0]! : Buffer.concat(this.#fragments);
    const binary = this.#fragmentOpcode === Opcode.Binary;
    this.#fragments = [];
    this.#fragmentBytes = 0;
    this.#fragmentOpcode = -1;
    if (!binary) {
      try {
        utf8.decode(data);
      } catch {
        return this.#fail(1007, 'invalid UTF-8 in a text message');
      }
    }
    this.emit('message', data, binary);
  }

  #onClose(payload: Buffer): void {
    this.#gotClose = true;
    if (payload.length === 1) return this.#fail(1002, 'bad close frame');
    let code = 1005;
    let reason = '';
    if (payload.length >= 2) {
      code = payload.readUInt16BE(0);
      try {
        reason = utf8.decode(payload.subarray(2));
      } catch {
        return this.#fail(1007, 'invalid UTF-8 in close reason');
      }
      if (!validCloseCode(code)) return this.#fail(1002, `invalid close code ${code}`);
    }
    this.#closeCode = code;
    this.#closeReason = reason;
    // Echo the code, then the server drops TCP first (RFC 6455 section 7.1.1).
    this.close(code === 1005 ? 1000 : code);
  }

  #onEnd(): void {
    if (!this.#socket.writableEnded) this.#socket.end();
  }

  #onSocketClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    if (!this.#gotClose && !this.error)
      this.error = new Error('websocket: connection closed without a close frame');
    this.emit('close', this.#gotClose ? this.#closeCode : 1006, this.#closeReason);
  }
}
