/**
 * The HTTP side of a SPDY/3.1 connection, as Kubernetes uses it: the server answers an
 * `Upgrade: SPDY/3.1` request after negotiating `X-Stream-Protocol-Version` (the client's
 * order wins, as in apimachinery's httpstream.Handshake, with the same error texts and
 * codes), and the client dials a URL offering protocol versions. Both then run a
 * ./session.ts over the socket.
 */
import { type IncomingMessage, request } from 'node:http';
import type { Duplex } from 'node:stream';
import { headerTokens, isSpdyRequest, writeHttpError, writeSwitchingProtocols } from '../http-upgrade.js';
import { SpdySession, type SpdySessionOptions } from './session.js';

export const HEADER_PROTOCOL_VERSION = 'X-Stream-Protocol-Version';
export const HEADER_ACCEPTED_PROTOCOL_VERSIONS = 'X-Accepted-Stream-Protocol-Versions';

export interface SpdyRefusal {
  ok: false;
  code: number;
  message: string;
  headers: Record<string, string[]>;
}

/** Picks the first protocol the client lists that the server supports, or says why not. */
export function negotiateSpdy(req: IncomingMessage, serverProtocols: string[]): string | SpdyRefusal {
  const client = headerTokens(req, HEADER_PROTOCOL_VERSION);
  if (client.length === 0) {
    return {
      ok: false,
      code: 400,
      message: `unable to upgrade: ${HEADER_PROTOCOL_VERSION} is required`,
      headers: {},
    };
  }
  const chosen = client.find((p) => serverProtocols.includes(p));
  if (chosen === undefined) {
    return {
      ok: false,
      code: 403,
      message: `unable to upgrade: unable to negotiate protocol: client supports [${client.join(' ')}], server accepts [${serverProtocols.join(' ')}]`,
      headers: { [HEADER_ACCEPTED_PROTOCOL_VERSIONS]: serverProtocols },
    };
  }
  if (!isSpdyRequest(req)) {
    return {
      ok: false,
      code: 400,
      message: `unable to upgrade: missing upgrade headers in request: ${JSON.stringify(req.headers)}`,
      headers: {},
    };
  }
  return chosen;
}

export type SpdyAcceptOutcome = { ok: true; session: SpdySession; protocol: string } | SpdyRefusal;

/**
 * Answers the upgrade (101 with the chosen protocol) and starts a server session, or
 * writes the HTTP error and closes the socket.
 */
export function acceptSpdy(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  serverProtocols: string[],
  opts: Omit<SpdySessionOptions, 'role' | 'head'>,
): SpdyAcceptOutcome {
  const chosen = negotiateSpdy(req, serverProtocols);
  if (typeof chosen !== 'string') {
    writeHttpError(socket, chosen.code, chosen.message, chosen.headers);
    return chosen;
  }
  writeSwitchingProtocols(socket, {
    Connection: 'Upgrade',
    Upgrade: 'SPDY/3.1',
    [HEADER_PROTOCOL_VERSION]: chosen,
    Date: new Date().toUTCString(),
  });
  return { ok: true, protocol: chosen, session: startServerSession(socket, head, opts) };
}

/** A server session over an already upgraded transport. */
export function startServerSession(
  transport: Duplex,
  head: Buffer,
  opts: Omit<SpdySessionOptions, 'role' | 'head'>,
): SpdySession {
  return new SpdySession(transport, { ...opts, role: 'server', head });
}

export interface SpdyDialOptions extends Omit<SpdySessionOptions, 'role' | 'head'> {
  method?: string;
  headers?: Record<string, string>;
  /** Aborts the dial (not the session once open). */
  signal?: AbortSignal;
}

/** Dials `url` (http://) with `Upgrade: SPDY/3.1`, offering `protocols` in order. */
export function connectSpdy(
  url: string,
  protocols: string[],
  opts: SpdyDialOptions = {},
): Promise<{ session: SpdySession; protocol: string }> {
  const u = new URL(url);
  if (u.protocol !== 'http:') return Promise.reject(new Error(`spdy: unsupported URL scheme in ${url}`));
  const headers: Record<string, string | string[]> = {
    ...opts.headers,
    Connection: 'Upgrade',
    Upgrade: 'SPDY/3.1',
  };
  if (protocols.length > 0) headers[HEADER_PROTOCOL_VERSION] = protocols;
  return new Promise((resolve, reject) => {
    const req = request(u, { method: opts.method ?? 'POST', headers, signal: opts.signal });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        if (chunks.length < 64) chunks.push(c);
      });
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8').slice(0, 4096).trim();
        reject(new Error(`spdy: upgrade refused: ${res.statusCode} ${res.statusMessage}: ${body}`));
      });
      res.on('error', reject);
    });
    req.on('upgrade', (res: IncomingMessage, socket: Duplex, head: Buffer) => {
      const upgrade = String(res.headers.upgrade ?? '').toLowerCase();
      if (res.statusCode !== 101 || !upgrade.includes('spdy/3.1')) {
        socket.destroy();
        return reject(new Error(`spdy: bad upgrade response ${res.statusCode} (Upgrade: ${upgrade})`));
      }
      const protocol = String(res.headers[HEADER_PROTOCOL_VERSION.toLowerCase()] ?? '');
      const session = new SpdySession(socket, { ...opts, role: 'client', head });
      resolve({ session, protocol });
    });
    req.end();
  });
}
