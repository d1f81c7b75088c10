/**
 * Port-forward over SPDY, server side (plain upgrade or tunnelled in a WebSocket): per
 * forwarded connection the client opens an error stream and a data stream carrying the
 * same `requestID` header (and `port`); the pair becomes one ForwardedConnection. A pair
 * left incomplete after the stream-creation timeout gets "timed out waiting for streams"
 * on its error stream, as the kubelet writes it. Sessions are started by
 * ./portforward.ts.
 */
import type { Duplex, Writable } from 'node:stream';
import type { SpdyStream } from './spdy/stream.js';

export interface ForwardedConnection {
  port: number;
  /** The client's request id ('' for the WebSocket form). */
  requestId: string;
  /**
   * Bytes to and from the pod's port. The consumer ends it when the pod side closes; its
   * readable side ends when the client closes.
   */
  data: Duplex;
  /** Error text for the client; the consumer ends it when the connection is over. */
  error: Writable;
}

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

function endWithError(s: SpdyStream | undefined, message: string): void {
  if (!s || s.writableEnded || s.destroyed) return;
  s.end(message);
}

/** Returns the onStream handler that pairs streams and reports complete connections. */
export function portForwardStreamHandler(
  onConnection: (c: ForwardedConnection) => void,
  streamCreationTimeoutMs: number,
): (stream: SpdyStream) => void {
  const pairs = new Map<string, Pair>();
  return (stream: SpdyStream) => {
    stream.on('error', () => undefined);
    const requestId = stream.header('requestID');
    const type = stream.header('streamType');
    stream.reply();
    if (requestId === undefined) {
      // Old clients without request ids cannot be paired reliably: refuse the stream.
      stream.end();
      return;
    }
    let pair = pairs.get(requestId);
    if (!pair) {
      const timer = setTimeout(() => {
        pairs.delete(requestId);
        endWithError(pair?.error, 'timed out waiting for streams');
        pair?.data?.end();
      }, streamCreationTimeoutMs);
      timer.unref();
      pair = { timer };
      pairs.set(requestId, pair);
    }
    if (type === 'error' || type === 'data') {
      if (pair[type]) {
        endWithError(
          pair.error ?? stream,
          `error processing stream for request ${requestId}: ${type} stream already assigned`,
        );
        stream.end();
        return;
      }
      pair[type] = stream;
    } else {
      endWithError(
        pair.error,
        `error processing stream for request ${requestId}: unexpected stream type "${type ?? ''}"`,
      );
      stream.end();
      return;
    }
    if (!pair.data || !pair.error) return;
    clearTimeout(pair.timer);
    pairs.delete(requestId);
    const portText = pair.data.header('port') ?? '';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
      endWithError(pair.error, `invalid port "${portText}"`);
      pair.data.end();
      return;
    }
    // The client sends nothing on the error stream.
    pair.error.resume();
    onConnection({ port, requestId, data: pair.data, error: pair.error });
  };
}
