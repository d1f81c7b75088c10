/**
 * Plain-text answers of the kubelet's server, on an HTTP response or, for upgrade
 * requests that are refused, written raw on the socket before it is closed. Go's
 * net/http text conventions (text/plain; charset=utf-8, nosniff). No routing here.
 */
import { type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export function writeText(res: ServerResponse, code: number, text: string): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(code, {
    'content-type': 'text/plain; charset=utf-8',
    'x-content-type-options': 'nosniff',
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

/** Answers an upgrade request that will not be upgraded, then closes the connection. */
export function refuseUpgrade(socket: Duplex, code: number, text: string): void {
  const body = Buffer.from(text);
  const head =
    `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\n` +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    'X-Content-Type-Options: nosniff\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n\r\n';
  if (socket.destroyed) return;
  socket.end(Buffer.concat([Buffer.from(head), body]));
}
