/**
 * The RFC 6455 opening handshake on both sides. acceptWebSocket answers an HTTP upgrade
 * request (from a server's 'upgrade' event) choosing a subprotocol, or refuses it with an
 * HTTP error; connectWebSocket dials a ws:// URL offering subprotocols. Both hand the
 * socket to ./websocket.ts. No TLS (wss://) dialing: callers behind TLS get the already
 * decrypted stream from their server.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import type { Duplex } from 'node:stream';
import { headerTokens, isWebSocketRequest, writeHttpError, writeSwitchingProtocols } from './http-upgrade.js';
import { WebSocket, type WebSocketOptions } from './websocket.js';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

export interface AcceptOptions extends Omit<WebSocketOptions, 'role' | 'protocol' | 'head'> {
  /**
   * Subprotocols in server preference order. The first one the client also offers wins.
   * Include '' to accept a client that offers none.
   */
  protocols: string[];
}

/** Why a handshake was refused: the HTTP status and message sent back. */
export interface Refusal {
  ok: false;
  code: number;
  message: string;
}

export type AcceptOutcome = { ok: true; ws: WebSocket } | Refusal;

/** Checks the request and picks the subprotocol, without answering. */
export function negotiateWebSocket(req: IncomingMessage, protocols: string[]): string | Refusal {
  if (req.method !== 'GET' || !isWebSocketRequest(req)) {
    return { ok: false, code: 400, message: 'websocket: the client is not using the websocket protocol' };
  }
  if (req.headers['sec-websocket-version'] !== '13') {
    return { ok: false, code: 400, message: 'websocket: unsupported version: 13 not found' };
  }
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || Buffer.from(key, 'base64').length !== 16) {
    return {
      ok: false,
      code: 400,
      message: "websocket: not a websocket handshake: 'Sec-WebSocket-Key' header is invalid",
    };
  }
  const offered = headerTokens(req, 'sec-websocket-protocol');
  if (offered.length === 0) {
    if (protocols.includes('')) return '';
  } else {
    const chosen = protocols.find((p) => p !== '' && offered.includes(p));
    if (chosen !== undefined) return chosen;
  }
  return {
    ok: false,
    code: 400,
    message: `websocket: requested protocol(s) are not supported: [${offered.join(' ')}]; supports [${protocols.filter((p) => p).join(' ')}]`,
  };
}

/**
 * Completes the server side of the handshake, or answers with an HTTP error and closes
 * the socket (then `ok` is false and nothing else may be written).
 */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: AcceptOptions,
): AcceptOutcome {
  const chosen = negotiateWebSocket(req, opts.protocols);
  if (typeof chosen !== 'string') {
    writeHttpError(
      socket,
      chosen.code,
      chosen.message,
      chosen.code === 400 ? { 'Sec-WebSocket-Version': '13' } : {},
    );
    return chosen;
  }
  const headers: Record<string, string> = {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Accept': acceptKey(String(req.headers['sec-websocket-key'])),
  };
  if (chosen) headers['Sec-WebSocket-Protocol'] = chosen;
  writeSwitchingProtocols(socket, headers);
  return { ok: true, ws: new WebSocket(socket, { ...opts, role: 'server', protocol: chosen, head }) };
}

export interface ConnectOptions extends Omit<WebSocketOptions, 'role' | 'protocol' | 'head'> {
  headers?: Record<string, string>;
  /** Aborts the dial (not the connection once open). */
  signal?: AbortSignal;
}

/** Dials `url` (ws:// or http://) offering `protocols`; rejects on any non-101 answer. */
export function connectWebSocket(
  url: string,
  protocols: string[],
  opts: ConnectOptions = {},
): Promise<WebSocket> {
  const u = new URL(url.replace(/^ws:/, 'http:'));
  if (u.protocol !== 'http:') return Promise.reject(new Error(`websocket: unsupported URL scheme in ${url}`));
  const key = randomBytes(16).toString('base64');
  const headers: Record<string, string> = {
    ...opts.headers,
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': key,
  };
  if (protocols.length > 0) headers['Sec-WebSocket-Protocol'] = protocols.join(', ');
  return new Promise<WebSocket>((resolve, reject) => {
    const req = request(u, { method: 'GET', headers, signal: opts.signal });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < 4096) chunks.push(c);
        size += c.length;
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 4096).trim();
        reject(new Error(`websocket: bad handshake: ${res.statusCode} ${res.statusMessage}: ${body}`));
      });
      res.on('error', reject);
    });
    req.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      const fail = (msg: string): void => {
        socket.destroy();
        reject(new Error(`websocket: bad handshake: ${msg}`));
      };
      if (res.statusCode !== 101) return fail(`status ${res.statusCode}`);
      if (res.headers['sec-websocket-accept'] !== acceptKey(key)) return fail('wrong Sec-WebSocket-Accept');
      const protocol = String(res.headers['sec-websocket-protocol'] ?? '');
      if (protocol && !protocols.includes(protocol)) return fail(`unrequested subprotocol ${protocol}`);
      resolve(new WebSocket(socket, { ...opts, role: 'client', protocol, head }));
    });
    req.end();
  });
}
