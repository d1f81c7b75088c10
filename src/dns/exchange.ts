/**
 * One query, one answer, as raw bytes: over UDP from a fresh socket (a new random source
 * port per query), taking only a datagram from the server's address with the query's ID;
 * or over TCP with the 2-byte length prefix (RFC 1035 section 4.2.2). Every exchange is
 * bounded by a timeout and an optional AbortSignal, and closes its socket when done.
 */
import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import type { HostPort } from './addresses.js';
import { compressIPv6 } from './ip.js';

export class DnsTimeoutError extends Error {
  override readonly name = 'DnsTimeoutError';
}

export interface ExchangeOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Whether two textual addresses are the same (IPv4-mapped IPv6 included). */
export function sameHost(a: string, b: string): boolean {
  const strip = (s: string) => s.replace(/^::ffff:(?=\d+\.)/, '');
  const x = strip(a);
  const y = strip(b);
  return x === y || (x.includes(':') && y.includes(':') && compressIPv6(x) === compressIPv6(y));
}

function idOf(b: Uint8Array): number {
  return ((b[0] ?? 0) << 8) | (b[1] ?? 0);
}

/** Runs `body` with a settle-once callback bounded by the timeout and the signal. */
function bounded<T>(
  what: string,
  o: ExchangeOptions,
  body: (settle: (err: Error | undefined, value?: T) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (o.signal?.aborted) return reject(new Error(`${what}: aborted`));
    let done = false;
    let cleanup: () => void = () => undefined;
    const settle = (err: Error | undefined, value?: T) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      cleanup();
      if (err) reject(err);
      else resolve(value as T);
    };
    const onAbort = () => settle(new Error(`${what}: aborted`));
    const timer = setTimeout(
      () => settle(new DnsTimeoutError(`${what}: no answer in ${o.timeoutMs} ms`)),
      o.timeoutMs,
    );
    o.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = body(settle);
    if (done) cleanup();
  });
}

export function udpExchange(server: HostPort, query: Uint8Array, o: ExchangeOptions): Promise<Uint8Array> {
  return bounded<Uint8Array>(`udp ${server.host}:${server.port}`, o, (settle) => {
    const sock = createSocket(server.host.includes(':') ? 'udp6' : 'udp4');
    const id = idOf(query);
    sock.on('message', (msg, rinfo) => {
      if (rinfo.port !== server.port || !sameHost(rinfo.address, server.host)) return;
      if (msg.length < 2 || idOf(msg) !== id) return;
      settle(undefined, new Uint8Array(msg));
    });
    sock.on('error', (err) => settle(err));
    sock.send(query, server.port, server.host, (err) => {
      if (err) settle(err);
    });
    return () => sock.close();
  });
}

export function tcpExchange(server: HostPort, query: Uint8Array, o: ExchangeOptions): Promise<Uint8Array> {
  return bounded<Uint8Array>(`tcp ${server.host}:${server.port}`, o, (settle) => {
    const sock = connect({ host: server.host, port: server.port });
    let buf = Buffer.alloc(0);
    sock.on('connect', () => {
      const frame = Buffer.alloc(2 + query.length);
      frame.writeUInt16BE(query.length, 0);
      frame.set(query, 2);
      sock.write(frame);
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 2) return;
      const len = buf.readUInt16BE(0);
      if (buf.length < 2 + len) return;
      settle(undefined, new Uint8Array(buf.subarray(2, 2 + len)));
    });
    sock.on('error', (err) => settle(err));
    sock.on('close', () =>
      settle(new Error(`tcp ${server.host}:${server.port}: connection closed without an answer`)),
    );
    return () => sock.destroy();
  });
}
