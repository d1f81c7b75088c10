/**
 * The kubelet's HTTPS server (HTTP/1.1 with upgrades): /healthz, container logs, and the
 * exec, attach and port-forward streams, for clients holding a certificate of the cluster
 * CA that may use it (./auth.ts). Listens where told (port 0: a free port, reported as
 * `port`) and owns its sockets: close() ends every connection, streams included.
 * Knows pods only through the PodLookup; the stream protocols are ./streams.ts (or the
 * handlers given, in tests).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { CriClient } from '../cri/client.js';
import { authorize } from './auth.js';
import { serveContainerLogs } from './logs.js';
import type { PodLookup } from './lookup.js';
import { refuseUpgrade, writeText } from './respond.js';
import { parseRoute } from './routes.js';
import { serveAttach, serveExec, servePortForward } from './streams.js';
import { type StreamHandlers, serveStream } from './upgrade.js';

export type { StreamHandlers } from './upgrade.js';

export interface KubeletServerOptions {
  /** Address to listen on (e.g. 127.0.0.1 or 0.0.0.0). */
  host: string;
  /** 0 picks a free port. */
  port: number;
  certPem: string;
  keyPem: string;
  /** The cluster CA that client certificates must chain to. */
  caPem: string;
  lookup: PodLookup;
  /** The runtime the stream handlers use; required unless `streams` is given. */
  cri?: CriClient;
  /** Stream handlers to use instead of ./streams.ts (tests). */
  streams?: StreamHandlers;
  log: (msg: string) => void;
  now?: () => number;
  /** How often a followed log is checked for new lines (default 200 ms). */
  logPollMs?: number;
}

/** ./streams.ts bound to the runtime. */
function runtimeStreams(cri: CriClient, log: (msg: string) => void): StreamHandlers {
  const deps = { cri, log };
  return {
    exec: (req, socket, head, target) => serveExec(req, socket, head, target, deps),
    attach: (req, socket, head, target) => serveAttach(req, socket, head, target, deps),
    portForward: (req, socket, head, target) => servePortForward(req, socket, head, target, deps),
  };
}

export class KubeletServer {
  private readonly sockets = new Set<Socket>();
  private readonly streams: StreamHandlers;
  private constructor(
    private readonly server: Server,
    private readonly opts: KubeletServerOptions,
    /** The port the server listens on. */
    readonly port = 0,
  ) {
    if (opts.streams) this.streams = opts.streams;
    else if (opts.cri) this.streams = runtimeStreams(opts.cri, opts.log);
    else throw new Error('KubeletServer needs a CRI client or stream handlers');
  }

  static async start(opts: KubeletServerOptions): Promise<KubeletServer> {
    const server = createServer({
      key: opts.keyPem,
      cert: opts.certPem,
      ca: opts.caPem,
      requestCert: true,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    });
    const self = new KubeletServer(server, opts);
    server.on('request', (req, res) => void self.onRequest(req, res));
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      self.onUpgrade(req, socket, head),
    );
    server.on('secureConnection', (s: Socket) => self.track(s));
    server.on('connection', (s: Socket) => self.track(s));
    server.on('tlsClientError', (err) => opts.log(`kubelet server: TLS handshake failed: ${err.message}`));
    server.setTimeout(0);
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.host, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
    Object.assign(self, { port });
    return self;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => this.sockets.delete(s));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = new URL(req.url ?? '/', 'https://kubelet');
      const auth = authorize(req.socket as TLSSocket, req.method ?? 'GET', url.pathname);
      if (!auth.allowed) return writeText(res, auth.code, auth.message);
      const route = parseRoute(url.pathname);
      if (!route) return writeText(res, 404, '404 page not found\n');
      if (route.kind === 'healthz') return writeText(res, 200, 'ok');
      if (route.kind === 'containerLogs') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return writeText(res, 405, 'Method Not Allowed');
        return await serveContainerLogs(res, route, url.searchParams, {
          lookup: this.opts.lookup,
          now: this.opts.now ?? Date.now,
          log: this.opts.log,
          ...(this.opts.logPollMs !== undefined ? { pollMs: this.opts.logPollMs } : {}),
        });
      }
      writeText(res, 400, 'Upgrade request required');
    } catch (err) {
      this.opts.log(`kubelet server: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
      writeText(res, 500, (err as Error).message);
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    try {
      const url = new URL(req.url ?? '/', 'https://kubelet');
      const auth = authorize(req.socket as TLSSocket, req.method ?? 'GET', url.pathname);
      if (!auth.allowed) return refuseUpgrade(socket, auth.code, auth.message);
      const route = parseRoute(url.pathname);
      if (!route || route.kind === 'healthz' || route.kind === 'containerLogs')
        return refuseUpgrade(socket, 404, '404 page not found\n');
      if (req.method !== 'GET' && req.method !== 'POST')
        return refuseUpgrade(socket, 405, 'Method Not Allowed');
      serveStream(req, socket, head, route, url.searchParams, {
        lookup: this.opts.lookup,
        handlers: this.streams,
      });
    } catch (err) {
      this.opts.log(`kubelet server: upgrade ${req.url}: ${(err as Error).stack ?? String(err)}`);
      refuseUpgrade(socket, 500, (err as Error).message);
    }
  }
}
