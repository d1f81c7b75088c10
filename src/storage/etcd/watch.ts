/**
 * A watch that starts before the shared feed's memory (older than the fan-out's floor): it
 * reads etcd's history through a dedicated etcd watch from `fromRevision + 1`, and once it
 * has caught up with the feed it closes that watch and continues on the shared feed, with
 * nothing missed or repeated. etcd's compaction cancel surfaces as Compacted from `next()`.
 *
 * A hand-written iterator rather than an async generator, so that `return()` ends it at
 * once even while a `next()` is pending. It must not hold more than the fan-out's
 * `maxPending` events for a slow consumer: past that it fails with Unavailable.
 */
import { CompactedError } from '../errors.js';
import type { WatchEvent } from '../types.js';
import { WatchQueue } from '../watch-queue.js';
import type { KeyCodec } from './codec.js';
import type { EtcdConnection } from './connection.js';
import type { WatchFeed } from './watch-feed.js';
import { EtcdWatchStream } from './watch-stream.js';

export class CatchUpWatch implements AsyncIterableIterator<WatchEvent> {
  /** The dedicated phase: etcd's history through its own watch. */
  private readonly history: WatchQueue;
  private readonly stream: EtcdWatchStream;
  /** The shared phase, once caught up. */
  private live: AsyncIterableIterator<WatchEvent> | undefined;

  constructor(
    conn: EtcdConnection,
    codec: KeyCodec,
    private readonly feed: WatchFeed,
    private readonly prefix: string,
    fromRevision: number,
    private readonly signal: AbortSignal,
    onCompacted: (compactRevision: number) => void,
  ) {
    this.history = new WatchQueue(prefix, feed.maxPending, signal, () => this.stream.close());
    this.stream = new EtcdWatchStream(conn, codec.range(prefix), fromRevision, {
      events: (events) => {
        for (const raw of events) if (!this.history.push(codec.toWatchEvent(raw))) return;
      },
      progress: () => {},
      failed: (err) => {
        if (err instanceof CompactedError) onCompacted(err.compactRevision);
        this.history.fail(err);
      },
    });
    if (!this.history.closed) this.stream.start();
  }

  async next(): Promise<IteratorResult<WatchEvent>> {
    if (this.live) return this.live.next();
    const r = await this.history.next();
    if (r.done) return r;
    // Responses arrive whole, so an empty queue means every revision up to this one is done.
    if (this.history.pending === 0 && this.feed.canServe(r.value.revision) && !this.signal.aborted) {
      this.live = this.feed.attach(this.prefix, r.value.revision, this.signal);
      this.history.end();
    }
    return r;
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    this.history.end();
    void this.live?.return?.();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
