/**
 * HTTPS clients for the API server benchmark, authenticated with the admin client
 * certificate: HTTP/2 (one session carries every stream) or HTTP/1.1 over a keep-alive
 * agent with one socket per request in flight. Both give the same small interface, so the
 * benchmark can time either. No retries and no parsing here: callers see every status.
 */
import * as http2 from 'node:http2';
import * as https from 'node:https';
import type { Credentials } from './kubeconfig.js';

export interface Reply {
  status: number;
  /** The body, or an empty buffer when the caller asked to discard it. */
  body: Buffer;
  /** Body length in bytes, counted even when discarded. */
  bytes: number;
}

/** An open streaming response (a watch). `ended` settles when the server or `close()` ends it. */
export interface OpenStream {
  status: number;
  close(): void;
  ended: Promise<void>;
}

export interface Transport {
  readonly name: string;
  request(method: string, path: string, body?: string, keepBody?: boolean): Promise<Reply>;
  /** A GET whose chunks go to `onData` with their arrival time (performance.now()). */
  stream(path: string, onData: (chunk: Buffer, at: number) => void): Promise<OpenStream>;
  close(): void;
}

export type TransportKind = 'h2' | 'h1';

export function makeTransport(kind: TransportKind, creds: Credentials, sockets: number): Transport {
  return kind === 'h2' ? new H2(creds) : new H1(creds, sockets);
}

const WINDOW = 32 * 1024 * 1024;

/** HTTP/2 over one session; large flow-control windows so big LISTs are not throttled by the client. */
class H2 implements Transport {
  readonly name = 'HTTP/2 (one session, many streams)';
  private readonly session: http2.ClientHttp2Session;

  constructor(creds: Credentials) {
    this.session = http2.connect(creds.url, {
      ca: creds.ca,
      cert: creds.cert,
      key: creds.key,
      settings: { initialWindowSize: WINDOW },
    });
    this.session.on('connect', () => this.session.setLocalWindowSize(WINDOW));
    this.session.on('error', () => undefined); // reported through each stream's own 'error'
  }

  request(method: string, path: string, body?: string, keepBody = true): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const headers: http2.OutgoingHttpHeaders = {
        ':method': method,
        ':path': path,
        accept: 'application/json',
      };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const req = this.session.request(headers, { endStream: body === undefined });
      let status = 0;
      const chunks: Buffer[] = [];
      let bytes = 0;
      req.on('response', (h) => {
        status = Number(h[':status']);
      });
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        if (keepBody) chunks.push(c);
      });
      req.on('end', () => resolve({ status, body: Buffer.concat(chunks), bytes }));
      req.on('error', reject);
      if (body !== undefined) req.end(body);
    });
  }

  stream(path: string, onData: (chunk: Buffer, at: number) => void): Promise<OpenStream> {
    return new Promise((resolve, reject) => {
      const req = this.session.request({ ':method': 'GET', ':path': path, accept: 'application/json' });
      const ended = new Promise<void>((done) => {
        req.on('close', () => done());
      });
      req.on('data', (c: Buffer) => onData(c, performance.now()));
      req.on('error', reject);
      req.on('response', (h) => {
        resolve({
          status: Number(h[':status']),
          close: () => req.close(http2.constants.NGHTTP2_CANCEL),
          ended,
        });
      });
    });
  }

  /** Ends the session at once, with any stream still open (watches). */
  close(): void {
    this.session.destroy();
  }
}

/** HTTP/1.1 with keep-alive: up to `sockets` connections, reused across requests. */
class H1 implements Transport {
  readonly name: string;
  private readonly agent: https.Agent;
  private readonly url: URL;

  constructor(creds: Credentials, sockets: number) {
    this.name = `HTTP/1.1 (keep-alive, ${sockets} sockets)`;
    this.url = new URL(creds.url);
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: sockets,
      ca: creds.ca,
      cert: creds.cert,
      key: creds.key,
    });
  }

  private open(method: string, path: string, body: string | undefined): https.RequestOptions {
    return {
      agent: this.agent,
      host: this.url.hostname,
      port: this.url.port,
      method,
      path,
      headers: {
        accept: 'application/json',
        ...(body !== undefined
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {}),
      },
    };
  }

  request(method: string, path: string, body?: string, keepBody = true): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = https.request(this.open(method, path, body), (res) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (keepBody) chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), bytes }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  stream(path: string, onData: (chunk: Buffer, at: number) => void): Promise<OpenStream> {
    return new Promise((resolve, reject) => {
      const req = https.request(this.open('GET', path, undefined), (res) => {
        const ended = new Promise<void>((done) => {
          res.on('close', () => done());
        });
        res.on('data', (c: Buffer) => onData(c, performance.now()));
        resolve({ status: res.statusCode ?? 0, close: () => req.destroy(), ended });
      });
      req.on('error', reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
