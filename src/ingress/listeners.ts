/**
 * The proxy's HTTP and HTTPS listeners. Each hands requests and Upgrade requests to the
 * proxy with what it is (scheme and port). Client connections are kept alive between
 * requests (75 s, as nginx), a request head must arrive within 60 s and a silent
 * connection is closed after 120 s (longer than the proxy's own 60 s wait for a backend,
 * which answers 504 first). close() stops listening and closes every connection.
 *
 * HTTPS: the listener reads each connection's ClientHello itself (client-hello.ts), asks
 * the current table for the certificate of its server name (the fallback one for unknown
 * or absent names), and only then starts TLS with exactly that certificate. Node's
 * SNICallback cannot be used: it adds the chosen certificate next to the listener's
 * default one (one per key type), and the default then wins whenever its key type is
 * preferred (RSA in TLS 1.2 cipher order, ECDSA in TLS 1.3).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import {
  type AddressInfo,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { TLSSocket } from 'node:tls';
import { parseClientHello } from './client-hello.js';
import type { IngressProxy, ListenerInfo } from './proxy.js';
import type { SniCertificates } from './tls.js';

const KEEP_ALIVE_MS = 75_000;
const HEADERS_TIMEOUT_MS = 60_000;
const IDLE_MS = 120_000;
/** From accepting a connection to a finished TLS handshake. */
const HANDSHAKE_MS = 10_000;
/** A ClientHello larger than this is not waited for. */
const MAX_HELLO_BYTES = 64 * 1024;

export interface Listener {
  proto: 'http' | 'https';
  host: string;
  port: number;
  close(): Promise<void>;
}

function httpServer(proxy: IngressProxy, info: ListenerInfo): Server {
  const server = createHttpServer();
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  // Bodies may stream for long; idleness, not total time, bounds them.
  server.requestTimeout = 0;
  server.timeout = IDLE_MS;
  server.on('request', (req, res) => proxy.handle(req, res, info));
  server.on('upgrade', (req, socket: Socket, head: Buffer) => proxy.upgrade(req, socket, head, info));
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;
}

/** Reads the ClientHello of `raw`, then serves it over TLS with the certificate of its server name. */
function acceptTls(raw: Socket, http: Server, sni: SniCertificates, handshaking: Set<Socket>): void {
  handshaking.add(raw);
  raw.setTimeout(HANDSHAKE_MS, () => raw.destroy());
  raw.once('close', () => handshaking.delete(raw));
  raw.on('error', () => raw.destroy());
  let seen: Buffer = Buffer.alloc(0);
  const onData = (chunk: Buffer) => {
    seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
    const hello = parseClientHello(seen);
    if (hello.kind === 'incomplete' && seen.length < MAX_HELLO_BYTES) return;
    raw.off('data', onData);
    raw.pause();
    if (hello.kind !== 'hello') {
      raw.destroy();
      return;
    }
    raw.unshift(seen);
    const secureContext = hello.serverName ? sni.contextFor(hello.serverName) : sni.fallback;
    const tls = new TLSSocket(raw, { isServer: true, secureContext, ALPNProtocols: ['http/1.1'] });
    tls.on('error', () => tls.destroy());
    tls.once('secure', () => {
      raw.setTimeout(0);
      handshaking.delete(raw);
      http.emit('connection', tls);
    });
  };
  raw.on('data', onData);
}

/** Starts listening on host:port (0 picks a free port); rejects when the port cannot be bound. */
export async function listen(
  proto: 'http' | 'https',
  host: string,
  port: number,
  proxy: IngressProxy,
  tls?: SniCertificates,
): Promise<Listener> {
  const info: ListenerInfo = { proto, port };
  const http = httpServer(proxy, info);
  const handshaking = new Set<Socket>();
  let server: Server | NetServer = http;
  if (proto === 'https') {
    if (!tls) throw new Error('an HTTPS listener needs certificates');
    server = createNetServer((raw) => acceptTls(raw, http, tls, handshaking));
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  info.port = (server.address() as AddressInfo).port;
  return {
    proto,
    host,
    port: info.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of handshaking) s.destroy();
        http.closeAllConnections();
      }),
  };
}
