/**
 * The watch cache of one resource: its current objects, decoded once, their keys in
 * sorted order (kept sorted lazily: new keys are appended and the nearly sorted array is
 * re-sorted on the next read, deleted keys dropped then), and a ring of its recent events:
 * at least `capacity` of them, and a quarter as many as there are objects when that is more,
 * so a watcher of a large resource that re-watches (its timeout ran out, or it was cut off
 * for falling behind) resumes from the ring instead of relisting everything. The ring holds
 * superseded versions, so its size is a trade of memory for fewer relists: a quarter of the
 * objects costs at most a quarter of the cache again, and at 150,000 pods covers about a
 * minute of a busy cluster's writes.
 * Serves lists, list snapshots (for paginated lists) and watches from memory. Fed only by
 * the CacheSet, in revision order; never writes to storage. Objects handed out are
 * shared: callers must not mutate them.
 */
import { BoundedQueue } from '../../util/bounded-queue.js';
import type { KObject } from '../types.js';
import { ListSnapshots } from './list-snapshots.js';

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface CacheEvent {
  type: CacheEventType;
  object: KObject;
  /** The object before the change (MODIFIED, DELETED). */
  prev?: KObject;
  revision: number;
}

/** Which objects a watcher or list wants. */
export type ObjectFilter = (obj: KObject) => boolean;

export class TooOldError extends Error {
  constructor(
    readonly requested: number,
    readonly oldest: number,
  ) {
    super(`too old resource version: ${requested} (${oldest})`);
  }
}

export class CacheWatcher extends BoundedQueue<CacheEvent> {
  constructor(
    readonly after: number,
    readonly keyPrefix: string,
    readonly filter: ObjectFilter | undefined,
    maxPending: number,
    signal: AbortSignal,
    onClose: (w: CacheWatcher) => void,
  ) {
    super(
      maxPending,
      signal,
      (max) => new Error(`watcher fell more than ${max} events behind`),
      (q) => onClose(q as CacheWatcher),
    );
  }

  /** Delivers `ev` as this watcher sees it through its filter (an update may enter or leave). */
  offer(ev: CacheEvent, key: string): void {
    if (ev.revision <= this.after || !key.startsWith(this.keyPrefix)) return;
    const f = this.filter;
    if (!f) {
      this.push(ev);
      return;
    }
    const now = ev.type !== 'DELETED' && f(ev.object);
    const before = ev.prev !== undefined && f(ev.prev);
    if (ev.type === 'DELETED') {
      if (f(ev.object)) this.push(ev);
    } else if (now && (before || ev.type === 'ADDED')) {
      this.push(ev);
    } else if (now) {
      this.push({ ...ev, type: 'ADDED' });
    } else if (before) {
      this.push({ ...ev, type: 'DELETED' });
    }
  }
}

/** The objects under a key prefix at one revision, in key order (keys[i] is objects[i]'s key). */
export interface ListSnapshot {
  revision: number;
  keys: string[];
  objects: KObject[];
}

/** The first index in sorted `keys` whose key is >= `key`. */
export function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What a ring slot before ringStart holds: nothing that keeps an object alive. */
const DROPPED = { key: '', ev: { type: 'BOOKMARK', object: {}, revision: 0 } as CacheEvent };

export class ResourceCache {
  /** key -> current object. */
  readonly objects = new Map<string, KObject>();
  /** Every key of `objects` (and, until the next read, deleted ones), sorted unless `unsorted`. */
  private sorted: string[] = [];
  private unsorted = false;
  private deleted = 0;
  private ring: { key: string; ev: CacheEvent }[] = [];
  private ringStart = 0;
  /** Every event after this revision is in the ring. */
  private floor = 0;
  private readonly watchers = new Set<CacheWatcher>();
  /** Snapshots taken by paginated lists, found again by the revision in their continue tokens. */
  readonly snapshots = new ListSnapshots();

  constructor(
    readonly prefix: string,
    private readonly capacity: number,
    private readonly maxPending: number,
  ) {}

  /** Replaces the contents after a (re)list at `revision`; current watchers must re-watch. */
  reset(objects: Map<string, KObject>, revision: number, err: unknown): void {
    this.objects.clear();
    for (const [k, v] of objects) this.objects.set(k, v);
    this.sorted = [...this.objects.keys()];
    this.unsorted = true;
    this.deleted = 0;
    this.ring = [];
    this.ringStart = 0;
    this.floor = revision;
    this.snapshots.clear();
    for (const w of [...this.watchers]) w.fail(err);
  }

  /** Applies one change (in revision order). */
  apply(key: string, ev: CacheEvent): void {
    if (ev.type === 'DELETED') {
      if (this.objects.delete(key)) this.deleted++;
    } else {
      if (!this.objects.has(key)) {
        this.sorted.push(key);
        this.unsorted = true;
      }
      this.objects.set(key, ev.object);
    }
    this.ring.push({ key, ev });
    const keep = this.ringCapacity;
    if (this.ring.length - this.ringStart > keep) {
      // Usually one event; more when deletes have shrunk the capacity. Dropped slots let go
      // of their objects at once rather than when the array is next compacted.
      const from = this.ringStart;
      this.ringStart = this.ring.length - keep;
      this.floor = this.ring[this.ringStart - 1]!.ev.revision;
      for (let i = from; i < this.ringStart; i++) this.ring[i] = DROPPED;
      if (this.ringStart > 4096 && this.ringStart * 2 > this.ring.length) {
        this.ring = this.ring.slice(this.ringStart);
        this.ringStart = 0;
      }
    }
    for (const w of this.watchers) w.offer(ev, key);
  }

  /** Every current key in order. The array is shared: callers must not change it. */
  private sortedKeys(): string[] {
    if (this.unsorted) {
      // Mostly sorted already (new keys at the end): TimSort makes this about linear.
      this.sorted.sort();
      this.unsorted = false;
    }
    if (this.deleted > 0) {
      // Drop deleted keys, and the second copy of a key deleted and added again.
      const kept: string[] = [];
      for (const k of this.sorted) if (this.objects.has(k) && kept[kept.length - 1] !== k) kept.push(k);
      this.sorted = kept;
      this.deleted = 0;
    }
    return this.sorted;
  }

  /** Current objects under `keyPrefix` (a namespace or the whole resource), in key order. */
  list(keyPrefix: string, filter?: ObjectFilter): KObject[] {
    const keys = this.sortedKeys();
    const out: KObject[] = [];
    for (let i = lowerBound(keys, keyPrefix); i < keys.length; i++) {
      const k = keys[i]!;
      if (!k.startsWith(keyPrefix)) break;
      const o = this.objects.get(k)!;
      if (!filter || filter(o)) out.push(o);
    }
    return out;
  }

  /** The objects under `keyPrefix` now, with their keys, to page through later. */
  snapshot(keyPrefix: string, revision: number): ListSnapshot {
    const all = this.sortedKeys();
    const from = lowerBound(all, keyPrefix);
    let to = from;
    while (to < all.length && all[to]!.startsWith(keyPrefix)) to++;
    const keys = all.slice(from, to);
    return { revision, keys, objects: keys.map((k) => this.objects.get(k)!) };
  }

  /**
   * A watcher of changes after `after`. With `initial`, it first receives a synthetic ADDED
   * for every current object (at `currentRevision`). Throws TooOldError when `after` is
   * older than the ring.
   */
  watch(
    keyPrefix: string,
    after: number,
    currentRevision: number,
    signal: AbortSignal,
    opts: { filter?: ObjectFilter; initial?: boolean },
  ): CacheWatcher {
    if (!opts.initial && after < this.floor) throw new TooOldError(after, this.floor);
    const start = opts.initial ? currentRevision : after;
    const w = new CacheWatcher(start, keyPrefix, opts.filter, this.maxPending, signal, (x) =>
      this.watchers.delete(x),
    );
    if (w.closed) return w;
    if (opts.initial) {
      for (const obj of this.list(keyPrefix, opts.filter)) {
        if (!w.push({ type: 'ADDED', object: obj, revision: currentRevision })) return w;
      }
    } else {
      for (let i = this.ringStart; i < this.ring.length; i++) {
        const { key, ev } = this.ring[i]!;
        w.offer(ev, key);
        if (w.closed) return w;
      }
    }
    this.watchers.add(w);
    return w;
  }

  /** Events the ring keeps now: `capacity`, or a quarter of the objects when more. */
  get ringCapacity(): number {
    return Math.max(this.capacity, this.objects.size >>> 2);
  }

  /** Events in the ring now. */
  get ringSize(): number {
    return this.ring.length - this.ringStart;
  }

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Sends a bookmark at `revision` to every watcher (all earlier events are queued before it). */
  bookmark(w: CacheWatcher, revision: number): void {
    if (revision > w.after) w.push({ type: 'BOOKMARK', object: {}, revision });
  }
}
