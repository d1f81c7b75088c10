/**
 * HTTP/1.1 pieces shared by the upgrade handshakes (WebSocket, SPDY): reading token
 * lists from request headers, telling which upgrade a request asks for, and answering
 * on a raw socket (after an 'upgrade' event there is no ServerResponse) with an error
 * or a 101. It does not negotiate anything itself.
 */
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Every comma-separated value of a header, trimmed, over all its lines. */
export function headerTokens(req: IncomingMessage, name: string): string[] {
  const out: string[] = [];
  const lower = name.toLowerCase();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() !== lower) continue;
    for (const part of raw[i + 1]!.split(',')) {
      const v = part.trim();
      if (v) out.push(v);
    }
  }
  return out;
}

function hasToken(req: IncomingMessage, name: string, token: string): boolean {
  const t = token.toLowerCase();
  return headerTokens(req, name).some((v) => v.toLowerCase().includes(t));
}

/** `Connection: Upgrade` and `Upgrade: websocket`. */
export function isWebSocketRequest(req: IncomingMessage): boolean {
  return hasToken(req, 'connection', 'upgrade') && hasToken(req, 'upgrade', 'websocket');
}

/** `Connection: Upgrade` and `Upgrade: SPDY/3.1`. */
export function isSpdyRequest(req: IncomingMessage): boolean {
  return hasToken(req, 'connection', 'upgrade') && hasToken(req, 'upgrade', 'spdy/3.1');
}

function headerLines(headers: OutgoingHttpHeaders): string {
  let out = '';
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out += `${k}: ${one}\r\n`;
  }
  return out;
}

/** Writes `101 Switching Protocols` with `headers` (nothing else is sent). */
export function writeSwitchingProtocols(socket: Duplex, headers: OutgoingHttpHeaders): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\n${headerLines(headers)}\r\n`);
}

/**
 * Answers with a plain-text error, as Go's http.Error does (the message and a newline),
 * and closes the socket once written. `contentType` overrides text/plain (for a JSON
 * Status body).
 */
export function writeHttpError(
  socket: Duplex,
  code: number,
  message: string,
  extra: OutgoingHttpHeaders = {},
  contentType = 'text/plain; charset=utf-8',
): void {
  if (socket.destroyed || !socket.writable) return;
  const body = Buffer.from(contentType.startsWith('text/plain') ? `${message}\n` : message, 'utf8');
  const headers: OutgoingHttpHeaders = {
    'Content-Type': contentType,
    'X-Content-Type-Options': 'nosniff',
    ...extra,
    'Content-Length': body.length,
    Connection: 'close',
  };
  socket.end(
    Buffer.concat([
      Buffer.from(`HTTP/1.1 ${code} ${STATUS_CODES[code] ?? ''}\r\n${headerLines(headers)}\r\n`),
      body,
    ]),
  );
  // A peer that never reads would keep the socket forever.
  setTimeout(() => socket.destroy(), 5_000).unref();
}
