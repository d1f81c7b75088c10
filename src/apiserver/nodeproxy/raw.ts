/**
 * Answers on a raw socket, for upgrade requests that the HTTP server has handed over
 * (no ServerResponse exists for them): a Status error with its HTTP status line, or a
 * ServerResponse bound to the socket for upgrade requests served as plain requests.
 * The connection is closed after the answer. No routing or authorization here.
 */
import { type IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { ApiError, Errors } from '../errors.js';

/** Writes `err` as a Status (anything but an ApiError becomes a logged 500) and closes. */
export function writeStatusRaw(socket: Duplex, err: unknown, log: (msg: string) => void): ApiError {
  let api: ApiError;
  if (err instanceof ApiError) api = err;
  else {
    log(`internal error on an upgrade request: ${(err as Error)?.stack ?? String(err)}`);
    api = Errors.internal((err as Error)?.message ?? String(err));
  }
  const body = Buffer.from(JSON.stringify(api.status));
  const head =
    `HTTP/1.1 ${api.code} ${STATUS_CODES[api.code] ?? 'Error'}\r\n` +
    'Content-Type: application/json\r\n' +
    `Content-Length: ${body.length}\r\n` +
    'Connection: close\r\n\r\n';
  if (!socket.destroyed) socket.end(Buffer.concat([Buffer.from(head), body]));
  return api;
}

/**
 * A response on the socket of an upgrade request, so that a request whose endpoint does
 * not upgrade is answered like any other; the connection closes when it is finished.
 */
export function responseOnSocket(req: IncomingMessage, socket: Duplex): ServerResponse {
  const res = new ServerResponse(req);
  res.shouldKeepAlive = false;
  res.assignSocket(socket as Socket);
  res.once('finish', () => {
    res.detachSocket(socket as Socket);
    socket.end();
  });
  return res;
}
