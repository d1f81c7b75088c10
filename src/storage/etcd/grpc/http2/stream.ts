/**
 * One HTTP/2 request stream as its connection keeps it (id, windows, data held back by flow
 * control, which side has ended), and what its owner sees of it: handlers for what arrives,
 * and a handle to send data or cancel. Pure state: the connection (connection.ts) does the
 * framing and the I/O.
 */
import { ErrorCode } from './frames.js';
import type { HeaderField } from './hpack.js';

/** What a stream tells its owner, in this order; nothing after `closed`. */
export interface StreamHandlers {
  /** A header block: the response headers, then trailers (with `end`). */
  headers(fields: HeaderField[], end: boolean): void;
  /** Data, in order; the last chunk may come with `end` (then no trailers follow). */
  data(chunk: Buffer, end: boolean): void;
  /** The stream is over: normally (`undefined`, after the end), or why not. */
  closed(err: StreamError | undefined): void;
}

/** A stream that ended before the peer ended it: reset, refused, or its connection failed. */
export class StreamError extends Error {
  override readonly name = 'StreamError';

  constructor(
    message: string,
    /** The HTTP/2 error code the peer sent, if it reset the stream. */
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface ClientStream {
  /** Sends data, ending our side with `end`; ignored once the stream is over. */
  write(data: Buffer, end: boolean): void;
  /** Resets the stream (CANCEL); its handlers are not called any more. */
  cancel(): void;
}

/** What a stream needs from its connection. */
export interface StreamOwner {
  /** Sends as much of the stream's pending data as the windows allow. */
  pump(s: Stream): void;
  /** Ends the stream; `reset` sends RST_STREAM with that code (and, for CANCEL, tells nobody). */
  finish(s: Stream, err: StreamError | undefined, reset?: number, byPeer?: boolean): void;
}

/** One request stream's state, kept by its connection. */
export class Stream implements ClientStream {
  id = 0;
  sendWindow = 0;
  /** Bytes received since the stream's window was last opened. */
  consumed = 0;
  /** Data waiting for window, and whether our side ends after it. */
  pending: Buffer[] = [];
  pendingEnd = false;
  localEnded = false;
  over = false;

  constructor(
    private readonly conn: StreamOwner,
    readonly headerBlock: Buffer,
    readonly handlers: StreamHandlers,
  ) {}

  write(data: Buffer, end: boolean): void {
    if (this.over || this.localEnded || this.pendingEnd) return;
    if (data.byteLength > 0) this.pending.push(data);
    this.pendingEnd = end;
    if (this.id !== 0) this.conn.pump(this);
  }

  /** Our side has sent END_STREAM. */
  endedLocally(): void {
    this.localEnded = true;
    this.pendingEnd = false;
  }

  cancel(): void {
    if (this.over) return;
    this.conn.finish(this, undefined, ErrorCode.CANCEL, false);
  }
}
