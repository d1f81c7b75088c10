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
import type { IWatchResponse } from 'etcd3';
import { CompactedError, type StorageError, UnavailableError } from '../errors.js';
import type { KeyRange } from './codec.js';
import type { EtcdConnection, WatchStream } from './connection.js';

export interface WatchSink {
  /** The events of whole revisions, in order, each after the last delivered one. Never empty. */
  events(res: IWatchResponse['events']): void;
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
  private stream: WatchStream | undefined;
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
    if (s) endStream(s);
  }

  private connect(): void {
    this.timer = undefined;
    if (this.closed) return;
    this.conn.openWatch().then(
      (s) => {
        s.on('error', (err) => this.broken(s, err));
        s.on('end', () => this.broken(s, new Error('watch stream ended')));
        if (this.closed) {
          endStream(s);
          return;
        }
        this.stream = s;
        s.on('data', (res: IWatchResponse) => this.receive(s, res));
        s.write({
          create_request: {
            key: this.range.key,
            range_end: this.range.end,
            start_revision: this.last + 1,
            prev_kv: true,
            progress_notify: true,
          },
        });
      },
      (err: unknown) => this.broken(undefined, err),
    );
  }

  private receive(s: WatchStream, res: IWatchResponse): void {
    if (s !== this.stream || this.closed) return;
    if (res.canceled) {
      this.cancelled(s, res);
      return;
    }
    if (res.created) {
      this.backoffMs = MIN_BACKOFF_MS;
      return;
    }
    const fresh = res.events.filter((ev) => Number(ev.kv.mod_revision) > this.last);
    if (fresh.length > 0) {
      this.last = Number(fresh[fresh.length - 1]!.kv.mod_revision);
      this.sink.events(fresh);
      return;
    }
    // A timed progress notification of this watcher; "-1" answers a manual request (unused).
    const rev = Number(res.header.revision);
    if (res.events.length === 0 && res.watch_id !== '-1' && rev > this.last) {
      this.last = rev;
      this.sink.progress(rev);
    }
  }

  private cancelled(s: WatchStream, res: IWatchResponse): void {
    const compactRev = Number(res.compact_revision);
    const reason = res.cancel_reason ?? '';
    if (compactRev > 0) {
      this.close();
      this.sink.failed(new CompactedError(this.last, compactRev));
    } else if (FATAL_CANCEL.some((r) => reason.includes(r))) {
      this.close();
      this.sink.failed(new UnavailableError(`etcd cancelled the watch: ${reason}`));
    } else {
      this.broken(s, new Error(`etcd cancelled the watch: ${reason || 'no reason given'}`));
    }
  }

  /** The stream failed: drop it and reconnect after a backoff, resuming after `last`. */
  private broken(s: WatchStream | undefined, _err: unknown): void {
    if (this.closed || (s !== undefined && s !== this.stream)) return;
    if (s) endStream(s);
    this.stream = undefined;
    if (this.timer) return;
    const delay = this.backoffMs * (0.5 + Math.random());
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.timer = setTimeout(() => this.connect(), delay);
  }
}

/** Half-closes, then cancels, so that etcd3 does not count our own cancel as a member failure. */
function endStream(s: WatchStream): void {
  try {
    s.end();
  } catch {
    // already ended
  }
  s.cancel();
}
