/**
 * Upgrade passthrough (WebSocket and any other protocol switched to with `Upgrade`): the
 * request goes to the backend on a connection of its own; when the backend switches
 * protocols, its 101 response is relayed and the two sockets are joined byte for byte
 * until either side closes (or both stay silent for an hour). A backend that declines
 * gets its answer relayed as a whole (bounded) response; an unreachable one gets 502/504.
 * Open tunnels are tracked so the proxy can close them on stop.
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { type Headers, withoutHopByHop } from './headers.js';
import { rawErrorResponse, reasonOf } from './pages.js';
import type { Endpoint } from './types.js';
import { openUpstream, UpstreamTimeout, type UpstreamTimeouts } from './upstream.js';

const TUNNEL_IDLE_MS = 60 * 60 * 1000;
const MAX_REFUSAL_BODY = 64 * 1024;

export interface TunnelRequest {
  req: IncomingMessage;
  socket: Socket;
  head: Buffer;
  path: string;
  /** Where to go; undefined answers `status` instead. */
  endpoint: Endpoint | undefined;
  status: number;
  headers: Headers;
  timeouts: UpstreamTimeouts;
  tunnels: Set<Socket>;
  log: (msg: string) => void;
}

function rawHead(status: number, message: string, rawHeaders: string[]): string {
  let out = `HTTP/1.1 ${status} ${message}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${out}\r\n`;
}

export function tunnel(t: TunnelRequest): void {
  const { socket } = t;
  socket.on('error', () => socket.destroy());
  if (!t.endpoint) {
    socket.end(rawErrorResponse(t.status));
    return;
  }
  const endpoint = t.endpoint;
  const up = openUpstream(
    { endpoint, method: t.req.method ?? 'GET', path: t.path, headers: t.headers, agent: undefined },
    t.timeouts,
  );
  socket.once('close', () => up.destroy());
  up.on('upgrade', (ur, us, uhead) => {
    us.setTimeout(0);
    if (socket.destroyed) {
      us.destroy();
      return;
    }
    socket.write(rawHead(ur.statusCode ?? 101, ur.statusMessage ?? 'Switching Protocols', ur.rawHeaders));
    if (uhead.length > 0) socket.write(uhead);
    if (t.head.length > 0) us.write(t.head);
    t.tunnels.add(socket);
    t.tunnels.add(us);
    const close = () => {
      socket.destroy();
      us.destroy();
      t.tunnels.delete(socket);
      t.tunnels.delete(us);
    };
    for (const s of [socket, us]) {
      s.setTimeout(TUNNEL_IDLE_MS, close);
      s.on('error', close);
      s.on('close', close);
    }
    us.pipe(socket);
    socket.pipe(us);
  });
  up.on('response', (ur) => {
    // The backend declined to switch: relay its answer, then close.
    const chunks: Buffer[] = [];
    let size = 0;
    ur.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_REFUSAL_BODY) chunks.push(c);
      else ur.destroy();
    });
    ur.on('close', () => {
      const body = Buffer.concat(chunks);
      const headers = withoutHopByHop(ur.headers);
      delete headers['content-length'];
      const lines: string[] = [];
      for (const [k, v] of Object.entries(headers))
        for (const x of Array.isArray(v) ? v : [v]) lines.push(k, String(x));
      lines.push('content-length', String(body.length), 'connection', 'close');
      const status = ur.statusCode ?? 502;
      socket.end(
        Buffer.concat([Buffer.from(rawHead(status, ur.statusMessage || reasonOf(status), lines)), body]),
      );
    });
  });
  up.on('error', (err) => {
    if (socket.destroyed) return;
    const status = err instanceof UpstreamTimeout ? 504 : 502;
    t.log(
      `upgrade ${t.req.headers.host ?? ''}${t.path} -> ${endpoint.host}:${endpoint.port}: ${status}: ${err.message}`,
    );
    socket.end(rawErrorResponse(status));
  });
  up.end();
}
