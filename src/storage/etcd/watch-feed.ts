/**
 * The shared watch feed of an etcd store: ONE etcd watch over the store's whole namespace
 * (with previous values), started right after the revision read at open, whose events are
 * published in order into a `WatchFanout` that every watcher of the store attaches to.
 * The etcd watch reconnects and resumes by itself (watch-stream.ts); if it cannot resume
 * because etcd compacted the revisions it missed, the watchers attached so far fail with
 * Compacted (they must relist) and a new fan-out starts at the compaction point.
 *
 * It must not read history for watchers older than the fan-out's floor: those get their
 * own etcd watch (watch.ts) and join the feed once they have caught up. Watchers are plain
 * iterators (never async generators), so that `return()` works while a `next()` is pending.
 */
import { CompactedError, type StorageError, UnavailableError } from '../errors.js';
import { type FanoutOptions, WatchFanout } from '../fanout.js';
import type { WatchEvent } from '../types.js';
import type { KeyCodec } from './codec.js';
import type { EtcdConnection } from './connection.js';
import type { WatchEventMessage } from './grpc/watch-messages.js';
import { EtcdWatchStream } from './watch-stream.js';

const RETRY_REFUSED_MS = 5000;

export class WatchFeed {
  private fanout: WatchFanout;
  private stream: EtcdWatchStream;
  private closed = false;

  constructor(
    private readonly conn: EtcdConnection,
    private readonly codec: KeyCodec,
    startAfter: number,
    private readonly opts: FanoutOptions = {},
    /** Told of every compaction the feed runs into. */
    private readonly onCompacted: (compactRevision: number) => void = () => {},
  ) {
    this.fanout = new WatchFanout(startAfter, opts);
    this.stream = this.follow(startAfter);
  }

  /** Every event after this revision is in memory or yet to be published. */
  get floor(): number {
    return this.fanout.floor;
  }

  /** The revision the feed has published up to. */
  get revision(): number {
    return this.fanout.revision;
  }

  get watcherCount(): number {
    return this.fanout.watcherCount;
  }

  get maxPending(): number {
    return this.fanout.maxPending;
  }

  /** Whether a watcher that has seen everything up to `revision` can continue on the feed. */
  canServe(revision: number): boolean {
    return !this.closed && revision >= this.fanout.floor && revision <= this.fanout.revision;
  }

  /**
   * A watcher for events under `prefix` after `fromRevision`, which must be at least `floor`
   * (checked by the caller in the same synchronous step). When the feed has not yet reached
   * `fromRevision` (etcd acknowledged a write the feed has not delivered yet), the events up
   * to it are skipped as they arrive.
   */
  attach(prefix: string, fromRevision: number, signal: AbortSignal): AsyncIterableIterator<WatchEvent> {
    if (this.closed) return this.failed(prefix, signal, new UnavailableError('etcd store is closed'));
    const q = this.fanout.watch(prefix, fromRevision, signal);
    return fromRevision <= this.fanout.revision ? q : new SkipThrough(q, fromRevision);
  }

  /** A watcher that fails with `err` at its first `next()`. */
  failed(prefix: string, signal: AbortSignal, err: unknown): AsyncIterableIterator<WatchEvent> {
    return this.fanout.failed(prefix, signal, err);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.close();
    this.fanout.closeAll(new UnavailableError('etcd store is closed'));
  }

  private follow(after: number, delayMs = 0): EtcdWatchStream {
    const stream = new EtcdWatchStream(this.conn, this.codec.range(''), after, {
      events: (events) => this.publish(events),
      progress: (revision) => this.fanout.advance(revision),
      failed: (err) => this.streamFailed(err),
    });
    stream.start(delayMs);
    return stream;
  }

  private publish(events: WatchEventMessage[]): void {
    for (const raw of events) {
      const ev = this.codec.toWatchEvent(raw);
      if (ev.revision < this.fanout.revision) {
        // Only a progress notice that ran ahead of its events can cause this (etcd #15220).
        this.restart(
          ev.revision - 1,
          new UnavailableError('the etcd watch feed went out of order; watch again'),
        );
        return;
      }
      this.fanout.publish(ev);
    }
  }

  private streamFailed(err: StorageError): void {
    if (this.closed) return;
    if (err instanceof CompactedError) {
      this.onCompacted(err.compactRevision);
      // Everything from the compaction point on is still there: continue from it.
      this.restart(err.compactRevision - 1, err);
    } else {
      // A refusal that retrying at once will not fix: try again, slowly.
      this.restart(this.fanout.revision, err, RETRY_REFUSED_MS);
    }
  }

  /** Fails every attached watcher with `err` and starts a new fan-out after `after`. */
  private restart(after: number, err: StorageError, delayMs = 0): void {
    this.stream.close();
    this.fanout.closeAll(err);
    this.fanout = new WatchFanout(after, this.opts);
    this.stream = this.follow(after, delayMs);
  }
}

/** Drops events at or below a revision, then passes everything through (return() included). */
class SkipThrough implements AsyncIterableIterator<WatchEvent> {
  constructor(
    private readonly inner: AsyncIterableIterator<WatchEvent>,
    private through: number,
  ) {}

  async next(): Promise<IteratorResult<WatchEvent>> {
    for (;;) {
      const r = await this.inner.next();
      if (r.done || r.value.revision > this.through) {
        this.through = 0;
        return r;
      }
    }
  }

  return(): Promise<IteratorResult<WatchEvent>> {
    return this.inner.return?.() ?? Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
