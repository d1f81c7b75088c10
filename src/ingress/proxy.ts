/**
 * The reverse proxy: each request is routed through the current routing table (swapped
 * whole by setTable, so rule changes apply to the next request, also on an open
 * keep-alive connection) and forwarded to the next endpoint of its backend in round
 * robin, over pooled HTTP/1.1 keep-alive connections. Bodies stream both ways. 404 when
 * nothing matches, 503 when the backend has no endpoints, 502 when it fails, 504 when it
 * does not answer in time; a request without a body that could not reach an endpoint is
 * tried on the next one (at most three). Upgrade requests (WebSocket) go to upgrade.ts.
 * A failing backend or client never throws out of here.
 */
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RoundRobin } from './balancer.js';
import { clientAddress, upstreamHeaders, withoutHopByHop } from './headers.js';
import { lookup, type Match, normalizeHost, splitTarget } from './match.js';
import { errorPage } from './pages.js';
import { emptyTable, type RoutingTable } from './types.js';
import { tunnel } from './upgrade.js';
import {
  CONNECT_TIMEOUT_MS,
  IDLE_TIMEOUT_MS,
  neverReached,
  openUpstream,
  UpstreamTimeout,
  type UpstreamTimeouts,
} from './upstream.js';

const MAX_ATTEMPTS = 3;

/** Which listener a request came in on. */
export interface ListenerInfo {
  proto: 'http' | 'https';
  port: number;
}

export interface ProxyOptions {
  log: (msg: string) => void;
  timeouts?: Partial<UpstreamTimeouts>;
}

export class IngressProxy {
  private table: RoutingTable = emptyTable();
  private readonly rr = new RoundRobin();
  private readonly agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
  private readonly tunnels = new Set<Socket>();
  private readonly timeouts: UpstreamTimeouts;

  constructor(private readonly opts: ProxyOptions) {
    this.timeouts = {
      connectMs: opts.timeouts?.connectMs ?? CONNECT_TIMEOUT_MS,
      idleMs: opts.timeouts?.idleMs ?? IDLE_TIMEOUT_MS,
    };
  }

  /** The table requests are routed by from now on. */
  setTable(table: RoutingTable): void {
    this.table = table;
    const keys = new Set<string>();
    if (table.defaultBackend) keys.add(table.defaultBackend.key);
    for (const routes of [table.anyHost, ...table.hosts.values(), ...table.wildcards.values()]) {
      for (const r of [...routes.exact.values(), ...routes.prefixes]) keys.add(r.backend.key);
    }
    this.rr.retain(keys);
  }

  get current(): RoutingTable {
    return this.table;
  }

  private route(req: IncomingMessage): { match: Match | undefined; path: string } {
    const target = splitTarget(req.url ?? '/');
    const host = normalizeHost(target.host ?? req.headers.host);
    const path = target.host === undefined ? (req.url ?? '/') : originForm(req.url ?? '/');
    return { match: lookup(this.table, host, target.path), path };
  }

  /** Serves one request (the 'request' event of an HTTP or HTTPS server). */
  handle(req: IncomingMessage, res: ServerResponse, listener: ListenerInfo): void {
    const { match, path } = this.route(req);
    if (!match) return page(res, 404);
    const te = req.headers['transfer-encoding'];
    const hasBody = te !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    const attempts = hasBody ? 1 : Math.min(MAX_ATTEMPTS, match.backend.endpoints.length);
    this.forward(req, res, listener, match, path, hasBody, attempts);
  }

  private forward(
    req: IncomingMessage,
    res: ServerResponse,
    listener: ListenerInfo,
    match: Match,
    path: string,
    hasBody: boolean,
    attemptsLeft: number,
  ): void {
    const endpoint = this.rr.pick(match.backend);
    if (!endpoint) return page(res, 503);
    const headers = upstreamHeaders(req.headers, {
      clientIp: clientAddress(req.socket.remoteAddress),
      proto: listener.proto,
      port: listener.port,
    });
    const up = openUpstream(
      { endpoint, method: req.method ?? 'GET', path, headers, agent: this.agent },
      this.timeouts,
    );
    const fail = (status: number, err: Error) => {
      this.opts.log(
        `${req.method} ${req.headers.host ?? ''}${path} -> ${match.backend.key} ` +
          `(${endpoint.host}:${endpoint.port}): ${status}: ${err.message}`,
      );
      if (hasBody) {
        // The rest of the body has nowhere to go: drain it and end the connection after the page.
        req.unpipe(up);
        req.resume();
        res.setHeader('connection', 'close');
      }
      page(res, status);
    };
    const abandon = () => {
      if (!res.writableFinished) up.destroy();
    };
    res.once('close', abandon);
    up.on('response', (ur) => {
      try {
        res.writeHead(ur.statusCode ?? 502, ur.statusMessage, withoutHopByHop(ur.headers));
      } catch (err) {
        // A head Node will not write (a status or header it rejects): the backend's fault.
        res.off('close', abandon);
        up.destroy();
        fail(502, err as Error);
        return;
      }
      // A body of unknown length may be a stream (events, long polls): the head goes out now.
      if (ur.headers['content-length'] === undefined) res.flushHeaders();
      // Plain pipe (not stream.pipeline, whose per-call AbortSignal costs more than the
      // rest of the proxying): a failing backend stream ends the client's, and a client
      // that goes away ends the backend request through `abandon`.
      ur.on('error', () => res.destroy());
      ur.pipe(res);
    });
    up.on('error', (err) => {
      res.off('close', abandon);
      if (res.headersSent || res.destroyed) {
        res.destroy();
        return;
      }
      if (attemptsLeft > 1 && neverReached(err, up)) {
        this.forward(req, res, listener, match, path, hasBody, attemptsLeft - 1);
        return;
      }
      fail(err instanceof UpstreamTimeout ? 504 : 502, err);
    });
    if (hasBody) {
      // The backend gets the head at once; the body follows as the client sends it.
      up.flushHeaders();
      req.pipe(up);
    } else {
      up.end();
    }
  }

  /** Serves one Upgrade request (the 'upgrade' event): a tunnel to the backend, or an error page. */
  upgrade(req: IncomingMessage, socket: Socket, head: Buffer, listener: ListenerInfo): void {
    const { match, path } = this.route(req);
    const endpoint = match ? this.rr.pick(match.backend) : undefined;
    tunnel({
      req,
      socket,
      head,
      path,
      endpoint,
      status: match ? 503 : 404,
      headers: upstreamHeaders(req.headers, {
        clientIp: clientAddress(req.socket.remoteAddress),
        proto: listener.proto,
        port: listener.port,
        upgrade: String(req.headers.upgrade ?? ''),
      }),
      timeouts: this.timeouts,
      tunnels: this.tunnels,
      log: this.opts.log,
    });
  }

  /** Closes pooled backend connections and every open tunnel. */
  close(): void {
    this.agent.destroy();
    for (const s of this.tunnels) s.destroy();
    this.tunnels.clear();
  }
}

function originForm(target: string): string {
  try {
    const u = new URL(target);
    return `${u.pathname || '/'}${u.search}`;
  } catch {
    return '/';
  }
}

function page(res: ServerResponse, status: number): void {
  if (res.headersSent || res.destroyed) return;
  const p = errorPage(status);
  for (const [k, v] of Object.entries(p.headers)) res.setHeader(k, v);
  res.writeHead(p.status);
  res.end(p.body);
}
