/**
 * gRPC calls to one etcd member: one long-lived HTTP/2 connection (http2/connection.ts; h2c
 * for http://, TLS with ALPN h2 and the system's CAs for https://), reopened on the next
 * call once it has failed or been told to go away, carrying any number of concurrent streams.
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
import { FRAME_PREFIX } from '../../../util/proto-wire.js';
import { FrameReader } from './frames.js';
import {
  type ClientStream,
  H2Connection,
  type StreamHandlers as H2Handlers,
  type StreamError,
} from './http2/connection.js';
import { encodeHeaders, type HeaderField } from './http2/hpack.js';
import { ChannelClosedError, Code, codeOfHttpStatus, decodeGrpcMessage, GrpcError } from './status.js';

export interface CallOptions {
  /** When the call fails with DEADLINE_EXCEEDED, in milliseconds since the epoch. */
  deadline: number;
}

export interface ChannelOptions {
  /** How long a ping may take before the connection is torn down (default 10 s). */
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

/** Per-stream and per-connection receive windows: long lists arrive without waiting for window updates. */
const STREAM_WINDOW = 8 * 1024 * 1024;
const CONNECTION_WINDOW = 64 * 1024 * 1024;
/** etcd (grpc-go) sends GOAWAY to clients that ping more often than every 5 s. */
const MIN_PING_INTERVAL_MS = 10_000;

export class GrpcChannel {
  private conn: H2Connection | undefined;
  /** Why the current connection failed, for the calls that fail with it. */
  private connError: string | undefined;
  private pinging = false;
  private lastPing = 0;
  private streams = 0;
  private keepalive: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly pingTimeoutMs: number;
  private readonly keepaliveMs: number;
  private readonly scheme: string = 'http';
  private readonly authority: string;
  /** The headers every call to a path shares, encoded once per path (etcd's few methods). */
  private readonly fixed = new Map<string, Buffer>();

  constructor(
    readonly endpoint: string,
    opts: ChannelOptions = {},
  ) {
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 10_000;
    this.keepaliveMs = opts.keepaliveMs ?? 30_000;
    this.authority = endpoint;
    try {
      const url = new URL(endpoint);
      this.scheme = url.protocol.replace(/:$/, '');
      this.authority = url.host;
    } catch {
      // reported by the first call, which cannot connect
    }
  }

  private headersOf(path: string): Buffer {
    let block = this.fixed.get(path);
    if (!block) {
      block = encodeHeaders([
        [':method', 'POST'],
        [':scheme', this.scheme],
        [':authority', this.authority],
        [':path', path],
        ['content-type', 'application/grpc'],
        ['te', 'trailers'],
      ]);
      this.fixed.set(path, block);
    }
    return block;
  }

  /**
   * Sends `frame` (one gRPC frame, prefix included) to `path` and resolves with the one
   * message of the answer, without its prefix.
   */
  unary(path: string, frame: Buffer, opts: CallOptions): Promise<Buffer> {
    if (this.closed) return Promise.reject(this.closedError());
    const timeoutMs = Math.max(1, Math.ceil(opts.deadline - Date.now()));
    return new Promise<Buffer>((resolve, reject) => {
      const answer = new Answer();
      const chunks: Buffer[] = [];
      let received = 0;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const handlers: H2Handlers = {
        headers: (fields) => answer.headers(fields),
        data: (chunk) => {
          if (chunk.byteLength === 0) return;
          chunks.push(chunk);
          received += chunk.byteLength;
        },
        closed: (err) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const failure = answer.failure(this, err);
          if (failure) {
            reject(failure);
            return;
          }
          try {
            resolve(unframe(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received)));
          } catch (e) {
            reject(e);
          }
        },
      };
      let stream: ClientStream;
      try {
        stream = this.request(path, [['grpc-timeout', grpcTimeout(timeoutMs)]], handlers, frame);
      } catch (err) {
        settled = true;
        reject(err);
        return;
      }
      timer = setTimeout(() => {
        if (settled) return;
        settled = true;
        reject(
          new GrpcError(Code.DEADLINE_EXCEEDED, `deadline of ${timeoutMs} ms exceeded (${this.endpoint})`),
        );
        stream.cancel();
        this.checkAlive();
      }, timeoutMs);
    });
  }

  /**
   * Opens a bidirectional stream on `path` with extra request headers (gRPC metadata).
   * Throws GrpcError (UNAVAILABLE) or ChannelClosedError when it cannot be opened.
   */
  stream(path: string, metadata: Record<string, string>, handlers: StreamHandlers): StreamCall {
    if (this.closed) throw this.closedError();
    const answer = new Answer();
    const frames = new FrameReader();
    let over = false;
    const finish = (): boolean => {
      if (over) return false;
      over = true;
      this.streamDone();
      return true;
    };
    const stream = this.request(path, Object.entries(metadata), {
      headers: (fields) => answer.headers(fields),
      data: (chunk) => {
        if (over || chunk.byteLength === 0) return;
        let messages: Buffer[];
        try {
          // A copy: messages kept by the watcher must not pin the connection's read buffers.
          messages = frames.push(Buffer.from(chunk));
        } catch (err) {
          if (finish()) handlers.ended(new GrpcError(Code.INTERNAL, describe(err)));
          stream.cancel();
          return;
        }
        for (const m of messages) {
          if (over) return;
          handlers.message(m);
        }
      },
      closed: (err) => {
        if (!finish()) return;
        handlers.ended(
          answer.failure(this, err) ?? new GrpcError(Code.OK, `${this.endpoint} ended the stream`),
        );
      },
    });
    this.streamStarted();
    return {
      write: (frame) => {
        if (!over) stream.write(frame, false);
      },
      close: () => {
        if (finish()) stream.cancel();
      },
    };
  }

  /** A new stream on the live connection; a connection that refuses one is dropped. */
  private request(
    path: string,
    extra: readonly HeaderField[],
    handlers: H2Handlers,
    body?: Buffer,
  ): ClientStream {
    let conn: H2Connection | undefined;
    try {
      conn = this.open();
      const block = Buffer.concat([this.headersOf(path), encodeHeaders(extra)]);
      return conn.request(block, handlers, body, body !== undefined);
    } catch (err) {
      this.drop(conn, err);
      throw this.unavailable(err);
    }
  }

  /** The live connection, opened if there is none (or the last one takes no new streams). */
  private open(): H2Connection {
    const current = this.conn;
    if (current?.usable) return current;
    // A connection told to go away (or out of stream ids) finishes its streams on its own.
    if (current) this.drop(current, current.failed ?? 'the connection takes no new streams', false);
    this.connError = undefined;
    const conn: H2Connection = new H2Connection(
      new URL(this.endpoint),
      (why) => this.drop(conn, why, false),
      () => this.drop(conn, 'the member sent GOAWAY', false),
      { streamWindow: STREAM_WINDOW, connectionWindow: CONNECTION_WINDOW },
    );
    this.conn = conn;
    return conn;
  }

  /**
   * Forgets a failed connection (the next call opens a new one) and, with `destroy`, tears
   * it down so that its streams fail now.
   */
  private drop(c: H2Connection | undefined, why: unknown, destroy = true): void {
    if (!c || this.conn !== c) return;
    this.connError = describe(why);
    this.conn = undefined;
    if (destroy) c.destroy(this.connError);
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

  /** Pings the connection (at most one ping at a time, and not too often); no answer in time tears it down. */
  private checkAlive(): void {
    const c = this.conn;
    const now = Date.now();
    if (!c || c.failed !== undefined || this.pinging || now - this.lastPing < MIN_PING_INTERVAL_MS) return;
    this.pinging = true;
    this.lastPing = now;
    const timer = setTimeout(() => {
      this.pinging = false;
      this.drop(c, `no answer to a ping in ${this.pingTimeoutMs} ms`);
    }, this.pingTimeoutMs);
    timer.unref();
    c.ping((err) => {
      clearTimeout(timer);
      this.pinging = false;
      if (err) this.drop(c, err);
    });
  }

  /** UNAVAILABLE, saying why the connection failed if it did. */
  unavailable(cause: unknown): GrpcError {
    const why = this.connError ?? describe(cause);
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
    const c = this.conn;
    this.conn = undefined;
    c?.destroy('the channel was closed');
  }
}

/** The HTTP status and gRPC status of one stream, as its headers and trailers arrive. */
class Answer {
  private httpStatus = 0;
  private status: number | undefined;
  private message = '';

  /** Response headers (a trailers-only answer carries its status here) or trailers. */
  headers(fields: HeaderField[]): void {
    for (const [name, value] of fields) {
      if (name === ':status') this.httpStatus = Number(value);
      else if (name === 'grpc-status') this.status = Number(value);
      else if (name === 'grpc-message') this.message = decodeGrpcMessage(value);
    }
  }

  /** After the stream closed: why it failed, or undefined for status OK. */
  failure(channel: GrpcChannel, err: StreamError | undefined): GrpcError | undefined {
    if (this.status === undefined) {
      if (this.httpStatus !== 0 && this.httpStatus !== 200) {
        return new GrpcError(
          codeOfHttpStatus(this.httpStatus),
          `HTTP status ${this.httpStatus} from ${channel.endpoint}`,
        );
      }
      return channel.unavailable(err ?? 'stream closed without a status');
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
