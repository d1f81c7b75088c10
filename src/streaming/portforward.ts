/**
 * Server side of port-forward in the three forms clients speak: SPDY/3.1 upgrade
 * (`X-Stream-Protocol-Version: portforward.k8s.io`), the same SPDY tunnelled inside a
 * WebSocket (subprotocol `SPDY/3.1+portforward.k8s.io`, kubectl 1.32's first choice),
 * and the WebSocket channel protocol v4 of the client libraries. Each forwarded
 * connection reaches `onConnection` as (port, data, error); dialing the pod is the
 * caller's job.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { headerTokens, isWebSocketRequest, writeHttpError } from './http-upgrade.js';
import { type ForwardedConnection, portForwardStreamHandler } from './portforward-spdy.js';
import { parsePortsQuery, webSocketPortForward } from './portforward-ws.js';
import {
  Base64ProtocolV4,
  PortForwardProtocolV1,
  StreamProtocolV4,
  TunnelingPrefix,
} from './remotecommand-status.js';
import { SpdySession } from './spdy/session.js';
import { acceptSpdy } from './spdy/upgrade.js';
import { acceptWebSocket } from './websocket-handshake.js';
import { webSocketStream } from './websocket-stream.js';

export type { ForwardedConnection } from './portforward-spdy.js';
export { parsePortsQuery } from './portforward-ws.js';

export type PortForwardTransport = 'spdy' | 'spdy-websocket' | 'websocket';

export interface PortForwardOptions {
  onConnection: (c: ForwardedConnection) => void;
  /** How long the second stream of a pair may lag (default 30 s, as the kubelet). */
  streamCreationTimeoutMs?: number;
}

export interface PortForwardSession {
  readonly transport: PortForwardTransport;
  /** Aborted when the client's connection is gone. */
  readonly clientGone: AbortSignal;
  /** Ends the session (GOAWAY or a WebSocket close). */
  close(): void;
}

export const WEBSOCKET_PORTFORWARD_PROTOCOLS = [StreamProtocolV4, Base64ProtocolV4, ''];
export const TUNNELING_PROTOCOL = TunnelingPrefix + PortForwardProtocolV1;

/** Which form a request asks for; a WebSocket request's ports are checked here. */
export function classifyPortForward(
  req: IncomingMessage,
):
  | { ok: true; transport: PortForwardTransport; ports: number[] }
  | { ok: false; code: number; message: string } {
  if (!isWebSocketRequest(req)) return { ok: true, transport: 'spdy', ports: [] };
  const offered = headerTokens(req, 'sec-websocket-protocol');
  if (offered.some((p) => p.startsWith(TunnelingPrefix))) {
    if (!offered.includes(TUNNELING_PROTOCOL)) {
      return { ok: false, code: 400, message: 'unable to upgrade: no tunneling spdy protocols provided' };
    }
    return { ok: true, transport: 'spdy-websocket', ports: [] };
  }
  const ports = parsePortsQuery(req.url);
  if (typeof ports === 'string') return { ok: false, code: 400, message: ports };
  return { ok: true, transport: 'websocket', ports };
}

/**
 * Answers the upgrade and serves forwarded connections, or answers an HTTP error and
 * returns undefined.
 */
export function acceptPortForward(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: PortForwardOptions,
): PortForwardSession | undefined {
  const kind = classifyPortForward(req);
  if (!kind.ok) {
    writeHttpError(socket, kind.code, kind.message);
    return undefined;
  }
  const gone = new AbortController();
  const timeout = opts.streamCreationTimeoutMs ?? 30_000;
  if (kind.transport === 'spdy') {
    const r = acceptSpdy(req, socket, head, [PortForwardProtocolV1], {
      onStream: portForwardStreamHandler(opts.onConnection, timeout),
    });
    if (!r.ok) return undefined;
    r.session.once('close', () => gone.abort());
    return { transport: 'spdy', clientGone: gone.signal, close: () => r.session.close() };
  }
  const protocols =
    kind.transport === 'spdy-websocket' ? [TUNNELING_PROTOCOL] : WEBSOCKET_PORTFORWARD_PROTOCOLS;
  const r = acceptWebSocket(req, socket, head, { protocols });
  if (!r.ok) return undefined;
  r.ws.once('close', () => gone.abort());
  if (kind.transport === 'websocket') {
    webSocketPortForward(r.ws, kind.ports, opts.onConnection);
    return { transport: 'websocket', clientGone: gone.signal, close: () => r.ws.close(1000) };
  }
  const session = new SpdySession(webSocketStream(r.ws), {
    role: 'server',
    onStream: portForwardStreamHandler(opts.onConnection, timeout),
  });
  return { transport: 'spdy-websocket', clientGone: gone.signal, close: () => session.close() };
}
