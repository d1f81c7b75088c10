/**
 * Watch fan-out: one ordered feed of changes shared by every watcher of a store. It keeps
 * the most recent events in a ring so that a watcher starting slightly in the past is
 * served from memory; older starting points are served from the backend's history first
 * (see `watch`). A slow watcher is cut off by its own queue, never slowing the feed.
 * Pure: no I/O.
 */

import type { WatchEvent } from './types.js';
import { WatchQueue } from './watch-queue.js';

export interface FanoutOptions {
  /** Events kept in memory for watchers starting in the recent past. */
  bufferSize?: number;
  /** Events one watcher may have pending before it is closed (at least bufferSize). */
  maxPending?: number;
}

/**
 * Reads history: events under `prefix` with `after < revision <= upTo`, in order, at most
 * `limit` of them. Throws Compacted when `after` is older than the compaction point.
 */
export type HistoryReader = (
  prefix: string,
  after: number,
  upTo: number,
  limit: number,
) => WatchEvent[] | Promise<WatchEvent[]>;

const HISTORY_CHUNK = 1000;

export class WatchFanout {
  private readonly ring: (WatchEvent | undefined)[];
  private start = 0;
  private size = 0;
  private floorRev: number;
  private lastRev: number;
  private readonly queues = new Set<WatchQueue>();
  readonly maxPending: number;

  /** `revision`: the revision the feed starts after (every later change will be published). */
  constructor(revision: number, opts: FanoutOptions = {}) {
    this.ring = new Array(Math.max(16, opts.bufferSize ?? 10_000));
    // A watcher attaching at the floor receives the whole ring at once: it must fit.
    this.maxPending = Math.max(opts.maxPending ?? 20_000, this.ring.length);
    this.floorRev = revision;
    this.lastRev = revision;
  }

  /** Every event with a revision above this is in memory or yet to be published. */
  get floor(): number {
    return this.floorRev;
  }

  /** The revision of the last published event (or the starting revision). */
  get revision(): number {
    return this.lastRev;
  }

  get watcherCount(): number {
    return this.queues.size;
  }

  /**
   * Publishes one change. Revisions never decrease; several changes may share one revision
   * (an etcd transaction over several keys, or a lease expiring with several keys).
   */
  publish(ev: WatchEvent): void {
    if (ev.revision < this.lastRev) {
      throw new Error(`fan-out revision went backwards: ${ev.revision} after ${this.lastRev}`);
    }
    this.lastRev = ev.revision;
    const cap = this.ring.length;
    if (this.size === cap) {
      const evicted = this.ring[this.start]!;
      this.floorRev = evicted.revision;
      this.ring[this.start] = ev;
      this.start = (this.start + 1) % cap;
    } else {
      this.ring[(this.start + this.size) % cap] = ev;
      this.size++;
    }
    for (const q of this.queues) {
      if (ev.key.startsWith(q.prefix)) q.push(ev);
    }
  }

  /**
   * Advances the revision without an event (a write outside every watched prefix, as etcd
   * reports when the feed is narrower than the keyspace). Keeps the floor honest.
   */
  advance(revision: number): void {
    if (revision <= this.lastRev) return;
    this.lastRev = revision;
    if (this.size === 0) this.floorRev = revision;
  }

  /** A watcher that fails at its first `next()` (for example with Compacted). */
  failed(prefix: string, signal: AbortSignal, err: unknown): WatchQueue {
    const q = this.newQueue(prefix, signal);
    q.fail(err);
    return q;
  }

  /**
   * A watch of every event under `prefix` after `fromRevision`. Starting points below the
   * in-memory floor are served from `history` first, chunk by chunk as the consumer reads;
   * the switch to the live feed happens with no await in between, so nothing is missed or
   * repeated. Without `history`, `fromRevision` must not be below the floor.
   */
  watch(prefix: string, fromRevision: number, signal: AbortSignal, history?: HistoryReader): WatchQueue {
    const q = this.newQueue(prefix, signal);
    if (q.closed) return q;
    if (fromRevision >= this.floorRev) {
      this.subscribe(q, fromRevision);
    } else if (!history) {
      throw new Error(`watch below the fan-out floor without history: ${fromRevision} < ${this.floorRev}`);
    } else {
      void this.catchUp(q, fromRevision, history);
    }
    return q;
  }

  private async catchUp(q: WatchQueue, fromRevision: number, history: HistoryReader): Promise<void> {
    const chunk = Math.max(1, Math.min(HISTORY_CHUNK, Math.floor(this.maxPending / 2)));
    let last = fromRevision;
    try {
      while (!q.closed && last < this.floorRev) {
        const upTo = this.floorRev;
        const events = await history(q.prefix, last, upTo, chunk);
        for (const ev of events) q.push(ev);
        last = events.length < chunk ? upTo : events[events.length - 1]!.revision;
        await q.drained();
      }
      if (!q.closed) this.subscribe(q, last);
    } catch (err) {
      q.fail(err);
    }
  }

  private newQueue(prefix: string, signal: AbortSignal): WatchQueue {
    return new WatchQueue(prefix, this.maxPending, signal, (closed) => this.queues.delete(closed));
  }

  /** A live watch from `fromRevision`, which must not be below the floor. */
  attach(prefix: string, fromRevision: number, signal: AbortSignal): WatchQueue {
    return this.watch(prefix, fromRevision, signal);
  }

  /** Replays the ring after `fromRevision` into `q`, then subscribes it to the live feed. */
  private subscribe(q: WatchQueue, fromRevision: number): void {
    const cap = this.ring.length;
    let lo = 0;
    let hi = this.size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ring[(this.start + mid) % cap]!.revision <= fromRevision) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.size; i++) {
      const ev = this.ring[(this.start + i) % cap]!;
      if (ev.key.startsWith(q.prefix) && !q.push(ev)) return;
    }
    this.queues.add(q);
  }

  /** Ends every watcher (on close). */
  closeAll(err?: unknown): void {
    for (const q of [...this.queues]) {
      if (err === undefined) q.end();
      else q.fail(err);
    }
  }
}
