/**
 * Server side of exec/attach for both transports kubectl and the client libraries use:
 * a WebSocket (v5, v4 and the older channel protocols, binary or base64) or a SPDY/3.1
 * upgrade (v4..v1). negotiateRemoteCommand only looks at the request (so a caller can
 * refuse early, before starting anything); acceptRemoteCommand answers the upgrade,
 * waits for the client's streams and gives a RemoteCommandSession. It runs no command.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { isSpdyRequest, isWebSocketRequest, writeHttpError } from './http-upgrade.js';
import type { RemoteCommandSession, StreamOptions } from './remotecommand-session.js';
import {
  expectedStreamCount,
  SPDY_REMOTECOMMAND_PROTOCOLS,
  SpdyStreamCollector,
  spdyRemoteCommand,
} from './remotecommand-spdy.js';
import {
  Base64ProtocolV1,
  Base64ProtocolV4,
  StreamProtocolV1,
  StreamProtocolV4,
  StreamProtocolV5,
} from './remotecommand-status.js';
import { webSocketRemoteCommand } from './remotecommand-ws.js';
import { acceptSpdy, negotiateSpdy } from './spdy/upgrade.js';
import { acceptWebSocket, negotiateWebSocket } from './websocket-handshake.js';

export type { RemoteCommandSession, StreamOptions } from './remotecommand-session.js';

/** WebSocket subprotocols, in server preference order ('' : a client offering none gets channel.k8s.io). */
export const WEBSOCKET_REMOTECOMMAND_PROTOCOLS = [
  StreamProtocolV5,
  StreamProtocolV4,
  Base64ProtocolV4,
  StreamProtocolV1,
  Base64ProtocolV1,
  '',
];

export interface Refused {
  ok: false;
  code: number;
  message: string;
}

export type Negotiated = { ok: true; transport: 'websocket' | 'spdy'; protocol: string } | Refused;

/** Which transport and protocol the request would get, or why it would be refused. */
export function negotiateRemoteCommand(req: IncomingMessage): Negotiated {
  if (isWebSocketRequest(req)) {
    const p = negotiateWebSocket(req, WEBSOCKET_REMOTECOMMAND_PROTOCOLS);
    return typeof p === 'string' ? { ok: true, transport: 'websocket', protocol: p } : p;
  }
  const p = negotiateSpdy(req, SPDY_REMOTECOMMAND_PROTOCOLS);
  if (typeof p === 'string') return { ok: true, transport: 'spdy', protocol: p };
  if (!isSpdyRequest(req) && p.code === 400 && p.message.includes('is required')) {
    return { ok: false, code: 400, message: 'unable to upgrade: missing upgrade headers in request' };
  }
  return p;
}

/** Checks the stream flags as the kubelet does (tty drops stderr); a message when invalid. */
export function normalizeStreamOptions(opts: StreamOptions): StreamOptions | string {
  const stderr = opts.tty ? false : opts.stderr;
  if (!opts.stdin && !opts.stdout && !stderr) return 'you must specify at least 1 of stdin, stdout, stderr';
  return { ...opts, stderr };
}

export interface AcceptRemoteCommandOptions extends StreamOptions {
  /** How long to wait for the client's SPDY streams (default 30 s, as the kubelet). */
  streamCreationTimeoutMs?: number;
}

/**
 * Upgrades the connection and resolves with the session, or with undefined after having
 * answered an HTTP error (bad request, no common protocol) or given up waiting for the
 * client's streams (the connection is then closed).
 */
export async function acceptRemoteCommand(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: AcceptRemoteCommandOptions,
): Promise<RemoteCommandSession | undefined> {
  const flags = normalizeStreamOptions(opts);
  if (typeof flags === 'string') {
    writeHttpError(socket, 400, flags);
    return undefined;
  }
  const n = negotiateRemoteCommand(req);
  if (!n.ok) {
    writeHttpError(socket, n.code, n.message);
    return undefined;
  }
  if (n.transport === 'websocket') {
    const r = acceptWebSocket(req, socket, head, { protocols: WEBSOCKET_REMOTECOMMAND_PROTOCOLS });
    return r.ok ? webSocketRemoteCommand(r.ws, flags) : undefined;
  }
  const collector = new SpdyStreamCollector(expectedStreamCount(n.protocol, flags));
  const r = acceptSpdy(req, socket, head, SPDY_REMOTECOMMAND_PROTOCOLS, { onStream: collector.add });
  if (!r.ok) return undefined;
  const complete = await collector.wait(r.session, opts.streamCreationTimeoutMs ?? 30_000);
  if (!complete) {
    r.session.destroy(new Error('timed out waiting for client to create streams'));
    return undefined;
  }
  return spdyRemoteCommand(r.session, r.protocol, collector.streams, flags);
}
