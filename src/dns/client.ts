/**
 * A small DNS client for tests, benchmarks and the CLI: asks one server a question over
 * UDP (falling back to TCP when the answer comes back truncated, unless told not to) or
 * over TCP, and returns the decoded answer. A DnsClient keeps one UDP socket and tells
 * concurrent queries apart by ID, so a benchmark can keep many in flight; `close()` ends
 * it. Every query is bounded by a timeout.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { HostPort } from './addresses.js';
import { decodeMessage } from './decode.js';
import { encodeMessage } from './encode.js';
import { DnsTimeoutError, sameHost, tcpExchange } from './exchange.js';
import { type Message, NO_FLAGS, RRClass, RRType } from './message.js';

export interface QueryOptions {
  /** RR type (default A). */
  type?: number;
  class?: number;
  /** 'udp' (default; TCP again when truncated) or 'tcp'. */
  transport?: 'udp' | 'tcp';
  /** Keep a truncated UDP answer instead of asking again over TCP. */
  noTcpFallback?: boolean;
  /** Advertise this EDNS0 UDP payload size; absent: no EDNS0 (512-byte answers). */
  udpSize?: number;
  /** Default true. */
  recursionDesired?: boolean;
  /** Default 2000 ms. */
  timeoutMs?: number;
}

/** The wire bytes of a query for `name`. */
export function buildQuery(id: number, name: string, o: QueryOptions = {}): Uint8Array {
  return encodeMessage({
    id,
    flags: { ...NO_FLAGS, recursionDesired: o.recursionDesired ?? true },
    rcode: 0,
    questions: [{ name, type: o.type ?? RRType.A, class: o.class ?? RRClass.IN }],
    answers: [],
    authority: [],
    additional: [],
    ...(o.udpSize !== undefined
      ? { edns: { udpSize: o.udpSize, extendedRcode: 0, version: 0, dnssecOk: false, options: [] } }
      : {}),
  });
}

interface Pending {
  resolve(b: Uint8Array): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

export class DnsClient {
  private socket: Socket | undefined;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(readonly server: HostPort) {}

  async query(name: string, o: QueryOptions = {}): Promise<Message> {
    const timeoutMs = o.timeoutMs ?? 2000;
    if (o.transport === 'tcp') {
      const bytes = await tcpExchange(this.server, buildQuery(randomId(), name, o), { timeoutMs });
      return decodeMessage(bytes);
    }
    const msg = decodeMessage(await this.udp(name, o, timeoutMs));
    if (msg.flags.truncated && !o.noTcpFallback) return this.query(name, { ...o, transport: 'tcp' });
    return msg;
  }

  /** Sends raw bytes over the shared UDP socket; resolves to the raw answer with the same ID. */
  sendRaw(query: Uint8Array, timeoutMs = 2000): Promise<Uint8Array> {
    if (this.closed) return Promise.reject(new Error('DNS client is closed'));
    const id = ((query[0] ?? 0) << 8) | (query[1] ?? 0);
    if (this.pending.has(id)) return Promise.reject(new Error(`a query with ID ${id} is already in flight`));
    const sock = this.open();
    return new Promise<Uint8Array>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new DnsTimeoutError(`no answer from ${this.server.host}:${this.server.port} in ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      sock.send(query, this.server.port, this.server.host, (err) => {
        if (!err) return;
        clearTimeout(timer);
        this.pending.delete(id);
        reject(err);
      });
    });
  }

  private udp(name: string, o: QueryOptions, timeoutMs: number): Promise<Uint8Array> {
    let id = randomId();
    for (let i = 0; i < 16 && this.pending.has(id); i++) id = randomId();
    return this.sendRaw(buildQuery(id, name, o), timeoutMs);
  }

  private open(): Socket {
    if (this.socket) return this.socket;
    const sock = createSocket(this.server.host.includes(':') ? 'udp6' : 'udp4');
    sock.on('message', (msg, rinfo) => {
      if (rinfo.port !== this.server.port || !sameHost(rinfo.address, this.server.host) || msg.length < 2)
        return;
      const p = this.pending.get(msg.readUInt16BE(0));
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(msg.readUInt16BE(0));
      p.resolve(new Uint8Array(msg));
    });
    sock.on('error', (err) => {
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      this.pending.clear();
    });
    this.socket = sock;
    return sock;
  }

  close(): void {
    this.closed = true;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error('DNS client closed'));
    }
    this.pending.clear();
    this.socket?.close();
    this.socket = undefined;
  }
}

/** One query with a client of its own. */
export async function query(server: HostPort, name: string, o: QueryOptions = {}): Promise<Message> {
  const c = new DnsClient(server);
  try {
    return await c.query(name, o);
  } finally {
    c.close();
  }
}

function randomId(): number {
  return Math.floor(Math.random() * 0x10000);
}
