/**
 * The watch cache of one resource: its current objects, decoded once, and a ring of its
 * recent events. Serves lists and watches from memory. Fed only by the CacheSet, in
 * revision order; never writes to storage. Objects handed out are shared: callers must
 * not mutate them.
 */
import { BoundedQueue } from '../../util/bounded-queue.js';
import type { KObject } from '../types.js';

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

export class ResourceCache {
  /** key -> current object. */
  readonly objects = new Map<string, KObject>();
  private ring: { key: string; ev: CacheEvent }[] = [];
  private ringStart = 0;
  /** Every event after this revision is in the ring. */
  private floor = 0;
  private readonly watchers = new Set<CacheWatcher>();

  constructor(
    readonly prefix: string,
    private readonly capacity: number,
    private readonly maxPending: number,
  ) {}

  /** Replaces the contents after a (re)list at `revision`; current watchers must re-watch. */
  reset(objects: Map<string, KObject>, revision: number, err: unknown): void {
    this.objects.clear();
    for (const [k, v] of objects) this.objects.set(k, v);
    this.ring = [];
    this.ringStart = 0;
    this.floor = revision;
    for (const w of [...this.watchers]) w.fail(err);
  }

  /** Applies one change (in revision order). */
  apply(key: string, ev: CacheEvent): void {
    if (ev.type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, ev.object);
    this.ring.push({ key, ev });
    if (this.ring.length - this.ringStart > this.capacity) {
      this.floor = this.ring[this.ringStart]!.ev.revision;
      this.ringStart++;
      if (this.ringStart > 4096 && this.ringStart * 2 > this.ring.length) {
        this.ring = this.ring.slice(this.ringStart);
        this.ringStart = 0;
      }
    }
    for (const w of this.watchers) w.offer(ev, key);
  }

  /** Current objects under `keyPrefix` (a namespace or the whole resource), in key order. */
  list(keyPrefix: string, filter?: ObjectFilter): KObject[] {
    const keys: string[] = [];
    for (const k of this.objects.keys()) if (k.startsWith(keyPrefix)) keys.push(k);
    keys.sort();
    const out: KObject[] = [];
    for (const k of keys) {
      const o = this.objects.get(k)!;
      if (!filter || filter(o)) out.push(o);
    }
    return out;
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

  get watcherCount(): number {
    return this.watchers.size;
  }

  /** Sends a bookmark at `revision` to every watcher (all earlier events are queued before it). */
  bookmark(w: CacheWatcher, revision: number): void {
    if (revision > w.after) w.push({ type: 'BOOKMARK', object: {}, revision });
  }
}
