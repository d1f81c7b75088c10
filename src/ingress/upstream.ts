/**
 * Opening a request to a backend endpoint with bounded waits: connecting may take at most
 * `connectMs` (5 s by default), and the backend socket may then stay silent at most
 * `idleMs` (waiting for the response head or for more of a streamed body). A wait that
 * runs out destroys the request with an UpstreamTimeout, which the proxy answers with
 * 504; any other failure is a 502.
 */
import { type Agent, type ClientRequest, request } from 'node:http';
import type { Headers } from './headers.js';
import type { Endpoint } from './types.js';

export const CONNECT_TIMEOUT_MS = 5_000;
export const IDLE_TIMEOUT_MS = 60_000;

export class UpstreamTimeout extends Error {
  constructor(
    readonly phase: 'connect' | 'idle',
    readonly connected: boolean,
  ) {
    super(phase === 'connect' ? 'timed out connecting to the backend' : 'the backend did not answer in time');
    this.name = 'UpstreamTimeout';
  }
}

export interface UpstreamTimeouts {
  connectMs: number;
  idleMs: number;
}

export interface UpstreamRequest {
  endpoint: Endpoint;
  method: string;
  /** Origin-form target: path and query. */
  path: string;
  headers: Headers;
  /** undefined: a fresh connection of its own (for Upgrade requests, whose socket is taken over). */
  agent: Agent | undefined;
}

/** Whether `err` happened before the request could reach the backend, so another endpoint may take it. */
export function neverReached(err: unknown, req: ClientRequest): boolean {
  if (err instanceof UpstreamTimeout) return err.phase === 'connect';
  const code = (err as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') return true;
  // A pooled keep-alive connection the backend closed just as it was reused.
  return req.reusedSocket && (code === 'ECONNRESET' || code === 'EPIPE');
}

export function openUpstream(u: UpstreamRequest, t: UpstreamTimeouts): ClientRequest {
  const req = request({
    host: u.endpoint.host,
    port: u.endpoint.port,
    method: u.method,
    path: u.path,
    headers: u.headers,
    setHost: u.headers['host'] === undefined,
    ...(u.agent ? { agent: u.agent } : { agent: false }),
  });
  req.on('socket', (socket) => {
    if (!socket.connecting) return;
    const timer = setTimeout(() => req.destroy(new UpstreamTimeout('connect', false)), t.connectMs);
    const clear = () => clearTimeout(timer);
    socket.once('connect', clear);
    socket.once('close', clear);
  });
  req.setTimeout(t.idleMs, () => req.destroy(new UpstreamTimeout('idle', true)));
  return req;
}
