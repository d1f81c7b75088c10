/**
 * One etcd watch that survives member loss: a watcher (with previous values) on one key
 * range, on its own gRPC stream, that reconnects with backoff to whichever member answers
 * and resumes right after the last revision it delivered, so its sink sees every event
 * once, in order, with no gap. It ends only when closed, or when etcd cancels it for
 * compaction (the events it needs are gone) or for a reason it cannot retry.
 *
 * It must not buffer or filter events by key beyond etcd's range; the sink decides what to
 * do with them. Timed progress notifications are passed on; manually requested ones are not
 * used, because etcd before 3.4.25/3.5.8 can send them ahead of pending events (#15220).
 */
import { CompactedError, type StorageError, UnavailableError } from '../errors.js';
import type { KeyRange } from './codec.js';
import type { EtcdConnection, WatchCall } from './connection.js';
import type { WatchEventMessage, WatchResponse } from './grpc/watch-messages.js';

export interface WatchSink {
  /** The events of whole revisions, in order, each after the last delivered one. Never empty. */
  events(events: WatchEventMessage[]): void;
  /** etcd's timed notice that every event up to `revision` has been delivered. */
  progress(revision: number): void;
  /** The watch ended for good (Compacted, or Unavailable for a refusal that retrying cannot fix). */
  failed(err: StorageError): void;
}

const MIN_BACKOFF_MS = 50;
const MAX_BACKOFF_MS = 2000;
/** Cancellations that are not worth retrying (etcd's cancel_reason texts). */
const FATAL_CANCEL = ['permission denied', 'invalid auth token', 'key is not provided'];

export class EtcdWatchStream {
  private stream: WatchCall | undefined;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private backoffMs = MIN_BACKOFF_MS;
  private last: number;

  /** Watches `range` for events after revision `after`. Call `start()` to begin. */
  constructor(
    private readonly conn: EtcdConnection,
    private readonly range: KeyRange,
    after: number,
    private readonly sink: WatchSink,
  ) {
    this.last = after;
  }

  /** Connects now, or after `delayMs`. */
  start(delayMs = 0): void {
    if (delayMs > 0) this.timer = setTimeout(() => this.connect(), delayMs);
    else this.connect();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const s = this.stream;
    this.stream = undefined;
    s?.close();
  }

  private connect(): void {
    this.timer = undefined;
    if (this.closed) return;
    let s: WatchCall | undefined;
    try {
      s = this.conn.openWatch({
        response: (res) => {
          if (s) this.receive(s, res);
        },
        ended: (err) => this.broken(s, err),
      });
    } catch (err) {
      this.broken(undefined, err);
      return;
    }
    this.stream = s;
    s.create({
      key: this.range.key,
      rangeEnd: this.range.end,
      startRevision: this.last + 1,
      prevKv: true,
      progressNotify: true,
    });
  }

  private receive(s: WatchCall, res: WatchResponse): void {
    if (s !== this.stream || this.closed) return;
    if (res.canceled) {
      this.cancelled(s, res);
      return;
    }
    if (res.created) {
      this.backoffMs = MIN_BACKOFF_MS;
      return;
    }
    const fresh = res.events.filter((ev) => ev.kv.modRevision > this.last);
    if (fresh.length > 0) {
      this.last = (fresh[fresh.length - 1] as WatchEventMessage).kv.modRevision;
      this.sink.events(fresh);
      return;
    }
    // A timed progress notification of this watcher; "-1" answers a manual request (unused).
    if (res.events.length === 0 && res.watchId !== '-1' && res.revision > this.last) {
      this.last = res.revision;
      this.sink.progress(res.revision);
    }
  }

  private cancelled(s: WatchCall, res: WatchResponse): void {
    const reason = res.cancelReason;
    if (res.compactRevision > 0) {
      this.close();
      this.sink.failed(new CompactedError(this.last, res.compactRevision));
    } else if (FATAL_CANCEL.some((r) => reason.includes(r))) {
      this.close();
      this.sink.failed(new UnavailableError(`etcd cancelled the watch: ${reason}`));
    } else {
      this.broken(s, new Error(`etcd cancelled the watch: ${reason || 'no reason given'}`));
    }
  }

  /** The stream failed: drop it and reconnect after a backoff, resuming after `last`. */
  private broken(s: WatchCall | undefined, _err: unknown): void {
    if (this.closed || (s !== undefined && s !== this.stream)) return;
    s?.close();
    this.stream = undefined;
    if (this.timer) return;
    const delay = this.backoffMs * (0.5 + Math.random());
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}
