/**
 * The HTTPS transport: one HTTP/2 session to the API server carrying every request as a
 * stream (as kubectl does), authenticated with a client certificate or a bearer token,
 * verifying the server against the cluster CA. Reconnects when the session is lost.
 */
import { type ClientHttp2Session, connect, constants } from 'node:http2';
import { statusFrom } from './errors.js';
import { type HttpResponse, lines, type RequestOptions, type Transport } from './transport.js';

export interface HttpsConfig {
  /** e.g. https://127.0.0.1:6443 */
  server: string;
  caPem: string | Buffer;
  certPem?: string | Buffer;
  keyPem?: string | Buffer;
  token?: string;
  /** Sent as User-Agent (the API server takes field managers from it); default `k8ts`. */
  userAgent?: string;
}

export class HttpsTransport implements Transport {
  private session: ClientHttp2Session | undefined;

  constructor(private readonly cfg: HttpsConfig) {}

  private connect(): ClientHttp2Session {
    if (this.session && !this.session.closed && !this.session.destroyed) return this.session;
    const s = connect(this.cfg.server, {
      ca: this.cfg.caPem,
      ...(this.cfg.certPem ? { cert: this.cfg.certPem } : {}),
      ...(this.cfg.keyPem ? { key: this.cfg.keyPem } : {}),
    });
    s.on('error', () => {
      // Surfaced on the streams using the session; a new session is made next time.
    });
    s.unref();
    this.session = s;
    return s;
  }

  private open(method: string, path: string, opts: RequestOptions) {
    const headers: Record<string, string> = {
      [constants.HTTP2_HEADER_METHOD]: method,
      [constants.HTTP2_HEADER_PATH]: path,
      accept: opts.accept ?? 'application/json',
      'user-agent': this.cfg.userAgent ?? 'k8ts',
    };
    if (this.cfg.token) headers['authorization'] = `Bearer ${this.cfg.token}`;
    if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const stream = this.connect().request(headers, {
      // Node half-closes GET, HEAD and DELETE streams unless told a body follows.
      endStream: opts.body === undefined,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    if (opts.body !== undefined) stream.end(opts.body);
    return stream;
  }

  request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    return new Promise((resolve, reject) => {
      const stream = this.open(method, path, opts);
      let status = 0;
      let headers: Record<string, string | string[] | undefined> = {};
      const chunks: Buffer[] = [];
      stream.on('response', (h) => {
        status = Number(h[constants.HTTP2_HEADER_STATUS]);
        headers = h as Record<string, string | string[] | undefined>;
      });
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks) }));
      stream.on('error', reject);
    });
  }

  async *stream(path: string, signal: AbortSignal): AsyncGenerator<string> {
    const stream = this.open('GET', path, { signal });
    const status = await new Promise<number>((resolve, reject) => {
      stream.once('response', (h) => resolve(Number(h[constants.HTTP2_HEADER_STATUS])));
      stream.once('error', reject);
    }).catch((err: unknown) => {
      if (signal.aborted) return 0;
      throw err;
    });
    if (status === 0) return;
    try {
      if (status !== 200) {
        const chunks: Buffer[] = [];
        for await (const c of stream) chunks.push(c as Buffer);
        throw statusFrom(status, Buffer.concat(chunks));
      }
      yield* lines(stream as AsyncIterable<Buffer>);
    } catch (err) {
      if (!signal.aborted) throw err;
    } finally {
      stream.close();
    }
  }

  close(): void {
    this.session?.close();
    this.session = undefined;
  }
}
