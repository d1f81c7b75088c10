/**
 * gRPC calls to one etcd member over node:http2: one long-lived HTTP/2 session (h2c for
 * http://, TLS with ALPN h2 and the system's CAs for https://), reopened on the next call
 * once it has failed or been told to go away, carrying any number of concurrent streams.
 * A unary call sends one length-prefixed message with its deadline (grpc-timeout) and reads
 * one message back; a streaming call (the watch) sends and receives messages until either
 * side ends it. The status comes from the trailers, or from the headers of a trailers-only
 * answer.
 *
 * It must not retry, pick members or interpret etcd's answers: every failure is a GrpcError
 * (connection trouble is UNAVAILABLE, a passed deadline DEADLINE_EXCEEDED) for the caller to
 * judge. A session is pinged after a call misses its deadline and every 30 s while a stream
 * is open; one that does not answer in time is torn down, so that its calls fail instead of
 * hanging on a dead connection. Nothing outlives `close()`.
 */
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  constants,
  type IncomingHttpHeaders,
  type OutgoingHttpHeaders,
} from 'node:http2';
import { FRAME_PREFIX } from '../../../util/proto-wire.js';
import { FrameReader } from './frames.js';
import { ChannelClosedError, Code, codeOfHttpStatus, decodeGrpcMessage, GrpcError } from './status.js';

export interface CallOptions {
  /** When the call fails with DEADLINE_EXCEEDED, in milliseconds since the epoch. */
  deadline: number;
}

export interface ChannelOptions {
  /** How long a ping may take before the session is torn down (default 10 s). */
  pingTimeoutMs?: number;
  /** Ping interval while a stream is open (default 30 s). */
  keepaliveMs?: number;
}

/** What a streaming call tells its owner. Never called after the owner's `close()`. */
export interface StreamHandlers {
  /** One message of the answer, without its prefix. */
  message(msg: Buffer): void;
  /** The stream is over: the peer's status (OK included), or why it broke. */
  ended(err: GrpcError): void;
}

export interface StreamCall {
  /** Sends one gRPC frame (prefix included); ignored once the stream is over. */
  write(frame: Buffer): void;
  /** Cancels the stream (RST_STREAM CANCEL); no handler is called afterwards. */
  close(): void;
}

/** Per-stream and per-session receive windows: long lists arrive without waiting for window updates. */
const STREAM_WINDOW = 8 * 1024 * 1024;
const SESSION_WINDOW = 64 * 1024 * 1024;
/** etcd (grpc-go) sends GOAWAY to clients that ping more often than every 5 s. */
const MIN_PING_INTERVAL_MS = 10_000;

export class GrpcChannel {
  private session: ClientHttp2Session | undefined;
  /** Why the current session failed, for the calls that fail with it. */
  private sessionError: string | undefined;
  private pinging = false;
  private lastPing = 0;
  private streams = 0;
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly pingTimeoutMs: number;
  private readonly keepaliveMs: number;

  constructor(
    readonly endpoint: string,
    opts: ChannelOptions = {},
  ) {
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 10_000;
    this.keepaliveMs = opts.keepaliveMs ?? 30_000;
  }

  /**
   * Sends `frame` (one gRPC frame, prefix included) to `path` and resolves with the one
   * message of the answer, without its prefix.
   */
  unary(path: string, frame: Buffer, opts: CallOptions): Promise<Buffer> {
    if (this.closed) return Promise.reject(this.closedError());
    const timeoutMs = Math.max(1, Math.ceil(opts.deadline - Date.now()));
    let stream: ClientHttp2Stream;
    try {
      stream = this.request(path, { 'grpc-timeout': grpcTimeout(timeoutMs) });
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<Buffer>((resolve, reject) => {
      const answer = new Answer(stream);
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;
      const timer = setTimeout(() => {
        settled = true;
        reject(
          new GrpcError(Code.DEADLINE_EXCEEDED, `deadline of ${timeoutMs} ms exceeded (${this.endpoint})`),
        );
        stream.close(constants.NGHTTP2_CANCEL);
        this.checkAlive();
      }, timeoutMs);
      stream.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.byteLength;
      });
      stream.on('close', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const failure = answer.failure(this, stream);
        if (failure) {
          reject(failure);
          return;
        }
        try {
          resolve(unframe(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received)));
        } catch (err) {
          reject(err);
        }
      });
      stream.end(frame);
    });
  }

  /**
   * Opens a bidirectional stream on `path` with extra request headers (gRPC metadata).
   * Throws GrpcError (UNAVAILABLE) or ChannelClosedError when it cannot be opened.
   */
  stream(path: string, metadata: OutgoingHttpHeaders, handlers: StreamHandlers): StreamCall {
    if (this.closed) throw this.closedError();
    const stream = this.request(path, metadata);
    const answer = new Answer(stream);
    const frames = new FrameReader();
    let over = false;
    const finish = (): boolean => {
      if (over) return false;
      over = true;
      this.streamDone();
      return true;
    };
    this.streamStarted();
    stream.on('data', (chunk: Buffer) => {
      if (over) return;
      let messages: Buffer[];
      try {
        messages = frames.push(chunk);
      } catch (err) {
        if (finish()) handlers.ended(new GrpcError(Code.INTERNAL, describe(err)));
        stream.close(constants.NGHTTP2_CANCEL);
        return;
      }
      for (const m of messages) {
        if (over) return;
        handlers.message(m);
      }
    });
    stream.on('close', () => {
      if (!finish()) return;
      handlers.ended(
        answer.failure(this, stream) ?? new GrpcError(Code.OK, `${this.endpoint} ended the stream`),
      );
    });
    return {
      write: (frame) => {
        if (!over && !stream.destroyed) stream.write(frame);
      },
      close: () => {
        if (finish()) stream.close(constants.NGHTTP2_CANCEL);
      },
    };
  }

  /** A new stream on the live session; a session that refuses one is dropped. */
  private request(path: string, extra: OutgoingHttpHeaders): ClientHttp2Stream {
    const session = this.open();
    try {
      return session.request(
        {
          ':method': 'POST',
          ':path': path,
          'content-type': 'application/grpc',
          te: 'trailers',
          ...extra,
        },
        { endStream: false },
      );
    } catch (err) {
      this.drop(session, err);
      throw this.unavailable(err);
    }
  }

  /** The live session, opened if there is none. */
  private open(): ClientHttp2Session {
    const current = this.session;
    if (current && !current.closed && !current.destroyed) return current;
    this.sessionError = undefined;
    const s = connect(this.endpoint, {
      settings: { enablePush: false, initialWindowSize: STREAM_WINDOW },
      maxSessionMemory: 64,
    });
    s.on('connect', () => {
      try {
        s.setLocalWindowSize(SESSION_WINDOW);
      } catch {
        // the session failed already; its calls report why
      }
    });
    s.on('error', (err) => this.drop(s, err));
    // After GOAWAY the streams already sent still finish; new calls go to a new session.
    s.on('goaway', () => this.drop(s, 'the member sent GOAWAY', false));
    s.on('close', () => this.drop(s, 'the connection closed'));
    // Calls in flight hold the process open through their deadline timers, an idle session does not.
    s.unref();
    this.session = s;
    return s;
  }

  /**
   * Forgets a failed session (the next call opens a new one) and, with `destroy`, tears it
   * down so that its streams fail now.
   */
  private drop(s: ClientHttp2Session | undefined, why: unknown, destroy = true): void {
    if (!s || this.session !== s) return;
    this.sessionError = describe(why);
    this.session = undefined;
    if (destroy && !s.destroyed) s.destroy();
  }

  private streamStarted(): void {
    this.streams++;
    if (this.keepalive) return;
    this.keepalive = setInterval(() => this.checkAlive(), this.keepaliveMs);
    this.keepalive.unref();
  }

  private streamDone(): void {
    this.streams--;
    if (this.streams > 0 || !this.keepalive) return;
    clearInterval(this.keepalive);
    this.keepalive = undefined;
  }

  /** Pings the session (at most one ping at a time, and not too often); no answer in time tears it down. */
  private checkAlive(): void {
    const s = this.session;
    const now = Date.now();
    if (!s || s.destroyed || this.pinging || now - this.lastPing < MIN_PING_INTERVAL_MS) return;
    this.pinging = true;
    this.lastPing = now;
    const timer = setTimeout(() => {
      this.pinging = false;
      this.drop(s, `no answer to a ping in ${this.pingTimeoutMs} ms`);
    }, this.pingTimeoutMs);
    timer.unref();
    const done = (err: Error | null) => {
      clearTimeout(timer);
      this.pinging = false;
      if (err) this.drop(s, err);
    };
    try {
      s.ping(done);
    } catch (err) {
      done(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** UNAVAILABLE, saying why the session failed if it did. */
  unavailable(cause: unknown): GrpcError {
    const why = this.sessionError ?? describe(cause);
    return new GrpcError(Code.UNAVAILABLE, `connection to ${this.endpoint} failed: ${why}`);
  }

  private closedError(): ChannelClosedError {
    return new ChannelClosedError(`channel to ${this.endpoint} is closed`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepalive);
    this.keepalive = undefined;
    const s = this.session;
    this.session = undefined;
    s?.destroy();
  }
}

/** The HTTP status and gRPC status of one stream, as its headers and trailers arrive. */
class Answer {
  private httpStatus = 0;
  private status: number | undefined;
  private message = '';
  private error: unknown;

  constructor(stream: ClientHttp2Stream) {
    stream.on('response', (h) => {
      this.httpStatus = Number(h[':status'] ?? 0);
      this.statusFrom(h); // a trailers-only answer carries its status here
    });
    stream.on('trailers', (h) => this.statusFrom(h));
    stream.on('error', (err) => {
      this.error = err;
    });
  }

  private statusFrom(h: IncomingHttpHeaders): void {
    const s = h['grpc-status'];
    if (s === undefined) return;
    this.status = Number(s);
    const m = h['grpc-message'];
    this.message = decodeGrpcMessage(Array.isArray(m) ? m[0] : m);
  }

  /** After the stream closed: why it failed, or undefined for status OK. */
  failure(channel: GrpcChannel, stream: ClientHttp2Stream): GrpcError | undefined {
    if (this.status === undefined) {
      if (this.httpStatus !== 0 && this.httpStatus !== 200) {
        return new GrpcError(
          codeOfHttpStatus(this.httpStatus),
          `HTTP status ${this.httpStatus} from ${channel.endpoint}`,
        );
      }
      return channel.unavailable(this.error ?? `stream closed without a status (code ${stream.rstCode})`);
    }
    return this.status === Code.OK ? undefined : new GrpcError(this.status, this.message);
  }
}

/** The one message of a unary answer, without its 5-byte prefix. */
function unframe(body: Buffer): Buffer {
  if (body.byteLength < FRAME_PREFIX) {
    throw new GrpcError(Code.INTERNAL, `answer of ${body.byteLength} bytes holds no gRPC message`);
  }
  if (body[0] !== 0) throw new GrpcError(Code.INTERNAL, 'answer is compressed, which was not offered');
  const len = body.readUInt32BE(1);
  if (body.byteLength !== FRAME_PREFIX + len) {
    throw new GrpcError(
      Code.INTERNAL,
      `answer holds ${body.byteLength - FRAME_PREFIX} bytes for a message of ${len} (one message expected)`,
    );
  }
  return body.subarray(FRAME_PREFIX);
}

/** grpc-timeout allows at most 8 digits: milliseconds, or whole seconds (rounded up) beyond that. */
function grpcTimeout(ms: number): string {
  return ms < 100_000_000 ? `${ms}m` : `${Math.min(Math.ceil(ms / 1000), 99_999_999)}S`;
}

function describe(why: unknown): string {
  return why instanceof Error ? why.message : String(why);
}
