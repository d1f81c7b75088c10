/**
 * Client side of SPDY port-forward, as client-go's port forwarder does it: per
 * connection an error stream (half-closed at once) and then a data stream, both with
 * streamType, port and requestID headers; the error stream's text, read to its end, is
 * the failure ('' when none). Works over a plain SPDY upgrade or SPDY tunnelled in a
 * WebSocket. The kubelet uses it to reach the runtime's streaming server; it listens on
 * no local port.
 */

import { PortForwardProtocolV1, TunnelingPrefix } from './remotecommand-status.js';
import { SpdySession } from './spdy/session.js';
import type { SpdyStream } from './spdy/stream.js';
import { connectSpdy } from './spdy/upgrade.js';
import { connectWebSocket } from './websocket-handshake.js';
import { webSocketStream } from './websocket-stream.js';

export interface ForwardedStream {
  data: SpdyStream;
  /** The error stream's text once it ends ('' when the forward went well). */
  error: Promise<string>;
}

export class PortForwardClient {
  #nextRequest = 0;

  constructor(readonly session: SpdySession) {}

  /** Opens one forwarded connection to `port`. */
  async dial(port: number, replyTimeoutMs = 30_000): Promise<ForwardedStream> {
    const requestID = String(this.#nextRequest++);
    const headers = { streamtype: 'error', port: String(port), requestid: requestID };
    const errorStream = this.session.openStream(headers);
    errorStream.on('error', () => undefined);
    await errorStream.waitReply(replyTimeoutMs);
    errorStream.end();
    const error = new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      errorStream.on('data', (c: Buffer) => chunks.push(c));
      const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
      errorStream.on('end', done);
      errorStream.on('close', done);
    });
    const data = this.session.openStream({ ...headers, streamtype: 'data' });
    data.on('error', () => undefined);
    await data.waitReply(replyTimeoutMs);
    return { data, error };
  }

  close(): void {
    this.session.close();
  }
}

/** Dials a plain SPDY port-forward URL. */
export async function connectPortForward(url: string, signal?: AbortSignal): Promise<PortForwardClient> {
  const { session, protocol } = await connectSpdy(url, [PortForwardProtocolV1], { signal });
  if (protocol !== PortForwardProtocolV1) {
    session.destroy();
    throw new Error(
      `unable to negotiate protocol: client supports ${PortForwardProtocolV1}, server returned ${protocol}`,
    );
  }
  return new PortForwardClient(session);
}

/** Dials a port-forward URL with SPDY tunnelled in a WebSocket (kubectl 1.32's way). */
export async function connectTunneledPortForward(
  url: string,
  signal?: AbortSignal,
): Promise<PortForwardClient> {
  const ws = await connectWebSocket(url, [TunnelingPrefix + PortForwardProtocolV1], { signal });
  return new PortForwardClient(new SpdySession(webSocketStream(ws), { role: 'client' }));
}
