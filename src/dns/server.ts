/**
 * A DNS listener on one address: UDP and TCP on the same port (port 0 picks one free for
 * both). UDP answers go back to the sender; TCP connections carry length-prefixed
 * messages, several per connection and answered as they complete (RFC 7766), and close
 * after 10 s idle. In-flight queries and connections are bounded, and oversized or broken
 * frames end the connection. close() stops listening, ends open connections and waits
 * for the queries in flight to finish.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createServer, type Server, type Socket } from 'node:net';
import type { HostPort } from './addresses.js';
import type { Transport } from './handler.js';

export type QueryFunc = (query: Uint8Array, transport: Transport) => Promise<Uint8Array | undefined>;

export interface ListenOptions {
  /** At most this many queries answered at once (more UDP queries are dropped). */
  maxInFlight?: number;
  maxConnections?: number;
  idleTimeoutMs?: number;
  log?: (m: string) => void;
}

const PORT_ATTEMPTS = 20;

export class DnsListener {
  private inFlight = 0;
  private readonly work = new Set<Promise<void>>();
  private readonly conns = new Set<Socket>();
  private closing = false;

  private constructor(
    private readonly udp: UdpSocket,
    private readonly tcp: Server,
    readonly address: HostPort,
    private readonly answer: QueryFunc,
    private readonly o: ListenOptions,
  ) {
    udp.on('message', (msg, rinfo) => this.datagram(msg, rinfo.address, rinfo.port));
    udp.on('error', (err) => o.log?.(`udp ${address.host}:${address.port}: ${err.message}`));
    tcp.on('connection', (c) => this.connection(c));
    tcp.on('error', (err) => o.log?.(`tcp ${address.host}:${address.port}: ${err.message}`));
  }

  /** Listens on `host:port` over UDP and TCP; throws when either cannot bind. */
  static async listen(at: HostPort, answer: QueryFunc, o: ListenOptions = {}): Promise<DnsListener> {
    let lastError: unknown;
    for (let attempt = 0; attempt < (at.port === 0 ? PORT_ATTEMPTS : 1); attempt++) {
      const udp = createSocket(at.host.includes(':') ? 'udp6' : 'udp4');
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind({ address: at.host, port: at.port, exclusive: true }, () => {
            udp.off('error', reject);
            resolve();
          });
        });
      } catch (err) {
        udp.close();
        throw err;
      }
      const port = udp.address().port;
      const tcp = createServer({ pauseOnConnect: false });
      tcp.maxConnections = o.maxConnections ?? 256;
      try {
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen({ host: at.host, port, exclusive: true }, () => {
            tcp.off('error', reject);
            resolve();
          });
        });
        return new DnsListener(udp, tcp, { host: at.host, port }, answer, o);
      } catch (err) {
        udp.close();
        tcp.close();
        lastError = err;
        // Port 0: the UDP port was free but its TCP twin was not; try another.
      }
    }
    throw lastError;
  }

  private track(p: Promise<void>): void {
    this.work.add(p);
    void p.finally(() => this.work.delete(p));
  }

  private run(query: Uint8Array, transport: Transport, send: (b: Uint8Array) => void): boolean {
    if (this.inFlight >= (this.o.maxInFlight ?? 1024)) return false;
    this.inFlight++;
    this.track(
      this.answer(query, transport)
        .then((out) => {
          if (out && !this.closing) send(out);
        })
        .catch((err: unknown) => this.o.log?.(`answering a query: ${(err as Error).message}`))
        .finally(() => {
          this.inFlight--;
        }),
    );
    return true;
  }

  private datagram(msg: Buffer, host: string, port: number): void {
    this.run(new Uint8Array(msg), 'udp', (out) =>
      this.udp.send(out, port, host, (err) => {
        if (err) this.o.log?.(`udp reply to ${host}:${port}: ${err.message}`);
      }),
    );
  }

  private connection(c: Socket): void {
    if (this.closing) {
      c.destroy();
      return;
    }
    this.conns.add(c);
    c.setTimeout(this.o.idleTimeoutMs ?? 10_000, () => c.destroy());
    c.on('close', () => this.conns.delete(c));
    c.on('error', () => c.destroy());
    let buf: Buffer = Buffer.alloc(0);
    c.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (len === 0) {
          c.destroy();
          return;
        }
        if (buf.length < 2 + len) break;
        const query = new Uint8Array(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        const accepted = this.run(query, 'tcp', (out) => {
          if (c.destroyed) return;
          const frame = Buffer.alloc(2 + out.length);
          frame.writeUInt16BE(out.length, 0);
          frame.set(out, 2);
          c.write(frame);
        });
        if (!accepted) {
          c.destroy();
          return;
        }
      }
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    const tcpClosed = new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    for (const c of this.conns) c.destroy();
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
    await tcpClosed;
    await Promise.allSettled([...this.work]);
  }
}
