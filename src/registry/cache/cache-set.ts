/**
 * The watch caches of every resource, fed by ONE storage watch over the whole registry
 * prefix. Because every write lands under that prefix, the feed sees every revision, so
 * "the cache has caught up with revision R" is exact. On a broken feed (compaction, a
 * slow-consumer cut-off, the store going away) it relists and rewatches with capped
 * backoff, forever, and reports its health instead of stopping. A deletion's previous
 * version is the object the cache holds already, not decoded again.
 */

import type { Store, WatchEvent } from '../../storage/types.js';
import { deepFreeze } from '../../util/deep-freeze.js';
import { sleep } from '../../util/sleep.js';
import { decode } from '../generic/meta.js';
import type { KObject } from '../types.js';
import { shareFieldSets } from './field-sets.js';
import { type CacheEvent, ResourceCache } from './resource-cache.js';

export interface CacheSetOptions {
  /** Events kept per resource for watchers resuming from a recent resourceVersion. */
  eventsPerResource?: number;
  /** Events one watcher may have pending before it is closed. */
  maxPending?: number;
  log?: (msg: string) => void;
}

/** `/registry/apps/deployments/ns/name` -> `/registry/apps/deployments/`. */
export function resourcePrefixOf(key: string): string {
  let slashes = 0;
  for (let i = 0; i < key.length; i++) {
    if (key.charCodeAt(i) === 47 && ++slashes === 4) return key.slice(0, i + 1);
  }
  return key;
}

/** A stored object as the cache holds it: decoded, its field sets shared, frozen. */
function cached(value: Uint8Array, revision: number): KObject {
  return deepFreeze(shareFieldSets(decode(value, revision)));
}

export class CacheSet {
  private readonly caches = new Map<string, ResourceCache>();
  private rev = 0;
  private synced = false;
  private waiters: { rev: number; resolve: () => void }[] = [];
  private readonly opts: Required<Omit<CacheSetOptions, 'log'>>;
  private readonly log: (msg: string) => void;
  private loop: Promise<void> | undefined;
  lastError: string | undefined;

  constructor(
    private readonly store: Store,
    private readonly root: string,
    opts: CacheSetOptions = {},
  ) {
    this.opts = {
      eventsPerResource: opts.eventsPerResource ?? 10_000,
      maxPending: opts.maxPending ?? 50_000,
    };
    this.log = opts.log ?? (() => {});
  }

  /** The cache of the resource stored under `prefix` (e.g. `/registry/core/pods/`). */
  cache(prefix: string): ResourceCache {
    let c = this.caches.get(prefix);
    if (!c) {
      c = new ResourceCache(prefix, this.opts.eventsPerResource, this.opts.maxPending);
      this.caches.set(prefix, c);
    }
    return c;
  }

  /** The revision the caches reflect. */
  get revision(): number {
    return this.rev;
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Starts the feed; resolves once the first list is loaded. */
  start(signal: AbortSignal): Promise<void> {
    return new Promise((resolveFirst, rejectFirst) => {
      this.loop = this.run(signal, resolveFirst).catch(rejectFirst);
    });
  }

  /** Resolves true once the caches reflect `revision`, false after `timeoutMs`. */
  waitFor(revision: number, timeoutMs: number): Promise<boolean> {
    if (this.rev >= revision) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = { rev: revision, resolve: () => resolve(true) };
      this.waiters.push(entry);
      setTimeout(() => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          resolve(false);
        }
      }, timeoutMs).unref();
    });
  }

  private async run(signal: AbortSignal, firstSynced: () => void): Promise<void> {
    let backoff = 100;
    while (!signal.aborted) {
      try {
        const from = await this.relist();
        this.synced = true;
        this.lastError = undefined;
        firstSynced();
        backoff = 100;
        for await (const ev of this.store.watch(this.root, from, signal)) this.apply(ev);
      } catch (err) {
        if (signal.aborted) break;
        this.lastError = (err as Error).message;
        this.log(`watch cache: feed broken (${this.lastError}); relisting in ${backoff} ms`);
        await sleep(backoff, signal);
        backoff = Math.min(backoff * 2, 10_000);
      }
    }
  }

  /** Loads every object at one revision and resets every cache to it. */
  private async relist(): Promise<number> {
    const byPrefix = new Map<string, Map<string, ReturnType<typeof decode>>>();
    let cont: string | undefined;
    let revision = 0;
    do {
      const page = await this.store.list(this.root, { limit: 10_000, ...(cont ? { continue: cont } : {}) });
      revision = page.revision;
      for (const kv of page.items) {
        const p = resourcePrefixOf(kv.key);
        let m = byPrefix.get(p);
        if (!m) {
          m = new Map();
          byPrefix.set(p, m);
        }
        m.set(kv.key, cached(kv.value, kv.modRevision));
      }
      cont = page.continue;
    } while (cont);
    const reinit = new Error('the watch cache was reinitialized; watch again');
    for (const [p, c] of this.caches) c.reset(byPrefix.get(p) ?? new Map(), revision, reinit);
    for (const [p, m] of byPrefix) if (!this.caches.has(p)) this.cache(p).reset(m, revision, reinit);
    this.setRevision(revision);
    return revision;
  }

  private apply(ev: WatchEvent): void {
    const cache = this.cache(resourcePrefixOf(ev.key));
    let ce: CacheEvent;
    if (ev.type === 'delete') {
      // The cache holds the deleted version already, unless it missed it.
      const known = cache.objects.get(ev.key);
      const prev =
        known && known.metadata?.resourceVersion === String(ev.prevKv!.modRevision)
          ? known
          : cached(ev.prevKv!.value, ev.prevKv!.modRevision);
      // The object as it was, at the revision of its deletion (sharing all but the top levels).
      const gone = deepFreeze({
        ...prev,
        metadata: { ...prev.metadata, resourceVersion: String(ev.revision) },
      });
      ce = { type: 'DELETED', object: gone, prev, revision: ev.revision };
    } else {
      const object = cached(ev.kv!.value, ev.revision);
      ce =
        ev.type === 'create'
          ? { type: 'ADDED', object, revision: ev.revision }
          : { type: 'MODIFIED', object, prev: cache.objects.get(ev.key), revision: ev.revision };
    }
    cache.apply(ev.key, ce);
    this.setRevision(ev.revision);
  }

  private setRevision(rev: number): void {
    if (rev <= this.rev) return;
    this.rev = rev;
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.rev <= rev) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  async close(): Promise<void> {
    await this.loop?.catch(() => {});
  }
}
