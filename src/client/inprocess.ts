/**
 * The in-process transport: requests go straight into the API server's handler chain as
 * synthetic request and response objects, acting as a given user. No sockets, no TLS, no
 * serialization of the HTTP framing; authentication sees the user attached to the
 * request, and authorization and admission run as for any other caller.
 */
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { UserInfo } from '../registry/types.js';
import { Fifo } from '../util/fifo.js';
import { statusFrom } from './errors.js';
import { type HttpResponse, LineSplitter, lines, type RequestOptions, type Transport } from './transport.js';

/** The key under which an in-process request carries its user (unreachable from a socket). */
export const IN_PROCESS_USER = Symbol('k8ts.inProcessUser');

/** The key under which an in-process request carries its whole body (readBody takes it as is). */
export const IN_PROCESS_BODY = Symbol('k8ts.inProcessBody');

/**
 * The key under which an in-process watch response takes events as objects: the handler
 * calls it instead of writing JSON lines, handing over the watch cache's (frozen) objects.
 */
export const IN_PROCESS_EVENTS = Symbol('k8ts.inProcessEvents');

export type EventSink = (type: string, object: unknown) => void;

/** The object sink of an in-process watch response, if `res` is one. */
export function eventSink(res: unknown): EventSink | undefined {
  return (res as Record<symbol, EventSink | undefined>)[IN_PROCESS_EVENTS];
}

export type Handler = (req: never, res: never) => Promise<void>;

class SyntheticResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  private readonly headers: Record<string, string | string[]> = {};
  readonly chunks: Buffer[] = [];
  onChunk: ((c: Buffer) => void) | undefined;
  readonly done: Promise<void>;
  private finish!: () => void;

  constructor() {
    super();
    this.done = new Promise((r) => {
      this.finish = r;
    });
  }

  setHeader(name: string, value: string | string[]): void {
    this.headers[name.toLowerCase()] = value;
  }

  getHeader(name: string): string | string[] | undefined {
    return this.headers[name.toLowerCase()];
  }

  get allHeaders(): Record<string, string | string[]> {
    return this.headers;
  }

  writeHead(code: number, headers?: Record<string, string>): this {
    this.statusCode = code;
    for (const [k, v] of Object.entries(headers ?? {})) this.setHeader(k, v);
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Buffer): boolean {
    this.headersSent = true;
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (this.onChunk) this.onChunk(b);
    else this.chunks.push(b);
    return true;
  }

  end(chunk?: string | Buffer): this {
    if (this.writableEnded) return this;
    if (chunk !== undefined) this.write(chunk);
    this.headersSent = true;
    this.writableEnded = true;
    this.finish();
    this.emit('finish');
    this.emit('close');
    return this;
  }

  /** The caller went away: handlers see the response close. */
  abort(): void {
    if (this.writableEnded) return;
    this.writableEnded = true;
    this.finish();
    this.emit('close');
  }
}

type WatchEventObject = { type: string; object: unknown };

/** What a streamed response delivered and its reader has not taken yet; wakes the reader. */
class Arrivals<T> {
  readonly items = new Fifo<T>();
  private wake: (() => void) | undefined;

  push(item: T): void {
    this.items.push(item);
    this.notify();
  }

  notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Resolves at the next push or notify. */
  next(): Promise<void> {
    return new Promise((r) => {
      this.wake = r;
    });
  }
}

export class InProcessTransport implements Transport {
  /**
   * `userAgent` names the component, as its User-Agent header would (`kubelet/v1.32.0 ...`):
   * the API server takes the field manager of its writes from it.
   */
  constructor(
    private readonly handler: Handler,
    private readonly user: UserInfo,
    private readonly userAgent?: string,
  ) {}

  private dispatch(method: string, path: string, opts: RequestOptions, sink?: EventSink): SyntheticResponse {
    const body =
      opts.body === undefined ? [] : [typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body];
    const headers: Record<string, string> = { accept: opts.accept ?? 'application/json' };
    if (this.userAgent) headers['user-agent'] = this.userAgent;
    if (opts.body !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(body[0]!.length);
    }
    const req = Object.assign(Readable.from(body), {
      method,
      url: path,
      headers,
      socket: {},
      httpVersionMajor: 2,
      [IN_PROCESS_USER]: this.user,
      [IN_PROCESS_BODY]: body[0] ?? Buffer.alloc(0),
    });
    const res = new SyntheticResponse();
    if (sink) Object.assign(res, { [IN_PROCESS_EVENTS]: sink });
    void this.handler(req as never, res as never);
    return res;
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const res = this.dispatch(method, path, opts);
    await res.done;
    return { status: res.statusCode, headers: res.allHeaders, body: Buffer.concat(res.chunks) };
  }

  async *stream(path: string, signal: AbortSignal): AsyncGenerator<string> {
    const res = this.dispatch('GET', path, { signal });
    const arrivals = new Arrivals<Buffer>();
    yield* lines(this.follow(res, signal, arrivals, (c) => arrivals.push(c)));
  }

  /**
   * A watch whose events are the watch cache's objects themselves (frozen, shared): no
   * JSON text is made or parsed. Lines the handler writes instead (an early ERROR event)
   * are parsed and delivered in order.
   */
  async *watch(path: string, signal: AbortSignal): AsyncGenerator<WatchEventObject> {
    const arrivals = new Arrivals<WatchEventObject>();
    const push = (type: string, object: unknown) => arrivals.push({ type, object });
    const res = this.dispatch('GET', path, { signal }, push);
    const split = new LineSplitter();
    yield* this.follow(res, signal, arrivals, (c) => {
      for (const line of split.push(c)) {
        const ev = JSON.parse(line) as WatchEventObject;
        push(ev.type, ev.object);
      }
    });
  }

  /**
   * Follows a streaming GET: waits for its status line (a non-200 answer throws its
   * Status), then hands what the handler writes to `chunk` (which feeds `arrivals`) and
   * yields what arrives until the response ends or `signal` aborts.
   */
  private async *follow<T>(
    res: SyntheticResponse,
    signal: AbortSignal,
    arrivals: Arrivals<T>,
    chunk: (c: Buffer) => void,
  ): AsyncGenerator<T> {
    const onAbort = () => res.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    void res.done.then(() => arrivals.notify());
    try {
      // Wait for the status line.
      while (!res.headersSent && !res.writableEnded) await new Promise<void>((r) => setImmediate(r));
      if (res.statusCode !== 200) {
        await res.done;
        throw statusFrom(res.statusCode, Buffer.concat(res.chunks));
      }
      for (const c of res.chunks.splice(0)) chunk(c);
      res.onChunk = chunk;
      for (;;) {
        while (arrivals.items.length > 0) yield arrivals.items.shift()!;
        if (res.writableEnded || signal.aborted) return;
        await arrivals.next();
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      res.abort();
    }
  }

  close(): void {}
}
