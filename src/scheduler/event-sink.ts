/**
 * Events from the scheduler without starving its binds: an ApiEventRecorder whose writes
 * go through their own small window of concurrent requests, with a bounded backlog. When
 * the backlog is full, new events are dropped and counted, as client-go's broadcaster drops
 * events when its queue is full: under a burst of thousands of pods per second, `Scheduled`
 * events must not double the API load that binding already puts on the server.
 */
import { Client } from '../client/client.js';
import type { HttpResponse, RequestOptions, Transport } from '../client/transport.js';
import { ApiEventRecorder, type EventRecorder, type EventType } from '../controllers/framework/recorder.js';
import type { KObject } from '../registry/types.js';

/** A transport that runs at most `limit` requests at once, queueing the rest in order. */
export class LimitedTransport implements Transport {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly inner: Transport,
    private readonly limit: number,
  ) {}

  /** Requests running or waiting. */
  get pending(): number {
    return this.running + this.waiting.length;
  }

  async request(method: string, path: string, opts?: RequestOptions): Promise<HttpResponse> {
    if (this.running >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.running++;
    try {
      return await this.inner.request(method, path, opts);
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  stream(path: string, signal: AbortSignal): AsyncIterable<string> {
    return this.inner.stream(path, signal);
  }

  close(): void {}
}

export interface BoundedRecorderOptions {
  /** Event writes in flight at once (default 4). */
  concurrency?: number;
  /** Writes running or waiting beyond which new events are dropped (default 1000). */
  maxPending?: number;
  log?: (msg: string) => void;
}

export class BoundedEventRecorder implements EventRecorder {
  private readonly transport: LimitedTransport;
  private readonly recorder: ApiEventRecorder;
  private readonly maxPending: number;
  dropped = 0;

  constructor(client: Client, component: string, opts: BoundedRecorderOptions = {}) {
    this.transport = new LimitedTransport(client.transport, opts.concurrency ?? 4);
    this.maxPending = opts.maxPending ?? 1000;
    this.recorder = new ApiEventRecorder(new Client(this.transport), component, opts.log);
  }

  event(obj: KObject, type: EventType, reason: string, message: string): void {
    if (this.transport.pending >= this.maxPending) {
      this.dropped++;
      return;
    }
    this.recorder.event(obj, type, reason, message);
  }
}
