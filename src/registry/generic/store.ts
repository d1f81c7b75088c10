/**
 * The generic store: the one create/get/list/watch/update/delete pipeline every resource
 * goes through, with the per-resource Strategy hooks (types.ts). Reads of lists and
 * watches come from the watch cache; writes go to storage with compare-and-swap. Storage
 * errors become API errors here and nowhere else. Knows nothing of HTTP.
 */

import type { ResourceInfo } from '../../api/resources.js';
import { Errors, fromStorageError, type GroupResource } from '../../apiserver/errors.js';
import { isStorageError } from '../../storage/errors.js';
import type { Store } from '../../storage/types.js';
import type { CacheSet } from '../cache/cache-set.js';
import type { CacheWatcher, ResourceCache } from '../cache/resource-cache.js';
import type { KObject, RequestContext, ResourceDef, Strategy } from '../types.js';
import { decode } from './meta.js';
import type { ListOptions, ListResult, WatchOptions } from './options.js';
import {
  firstPageFromCache,
  listFromStorage,
  nextPage,
  parseResourceVersion,
  tooLargeResourceVersion,
} from './read.js';

/** What the generic store needs from around it (admission, the clock). */
export interface StoreEnv {
  store: Store;
  caches: CacheSet;
  now: () => number;
  /** Admission on create and update, after defaulting and before validation errors are raised. */
  admit?: (
    op: 'create' | 'update',
    def: ResourceDef,
    obj: KObject,
    old: KObject | undefined,
    ctx?: RequestContext,
  ) => Promise<void>;
  /**
   * Begins a write after admission and before validation errors are raised (upstream's
   * BeginCreate/BeginUpdate): may fill fields the server allocates (a Service's ClusterIP)
   * and reserve their values. Returns a finish function that the write calls exactly once
   * per attempt: with the revision it wrote, or undefined when it wrote nothing (invalid,
   * dry run, lost race, no change). `subresource` is '' for the main resource.
   */
  begin?: (
    op: 'create' | 'update',
    def: ResourceDef,
    obj: KObject,
    old: KObject | undefined,
    subresource: string,
  ) => Promise<((revision: number | undefined) => void) | undefined>;
}

/** How long a read waits for the watch cache to reach a requested resourceVersion. */
const FRESHNESS_WAIT_MS = 3000;

export class GenericStore {
  readonly gr: GroupResource;
  readonly info: ResourceInfo;
  readonly strategy: Strategy;
  readonly statusStrategy: Strategy | undefined;
  readonly prefix: string;
  readonly cache: ResourceCache;

  constructor(
    readonly def: ResourceDef,
    readonly env: StoreEnv,
  ) {
    this.info = def.info;
    this.strategy = def.strategy;
    this.statusStrategy = def.statusStrategy;
    this.gr = { group: def.info.group, resource: def.info.plural };
    const storage = def.info.storage ?? { group: def.info.group, plural: def.info.plural };
    this.prefix = `/registry/${storage.group || 'core'}/${storage.plural}/`;
    this.cache = env.caches.cache(this.prefix);
  }

  /** The key prefix of a namespace's objects, or of all objects when `namespace` is empty. */
  keyPrefix(namespace: string): string {
    return this.info.namespaced && namespace ? `${this.prefix}${namespace}/` : this.prefix;
  }

  key(namespace: string, name: string): string {
    return this.info.namespaced ? `${this.prefix}${namespace}/${name}` : `${this.prefix}${name}`;
  }

  async get(namespace: string, name: string, resourceVersion?: string): Promise<KObject> {
    if (resourceVersion === '0') {
      const cached = this.cache.objects.get(this.key(namespace, name));
      if (!cached) this.notFound(name);
      return structuredClone(cached);
    }
    try {
      const kv = await this.env.store.get(this.key(namespace, name));
      return decode(kv.value, kv.modRevision);
    } catch (err) {
      return fromStorageError(err, this.gr, name);
    }
  }

  /**
   * Lists, following Kubernetes' resourceVersion rules: "" (consistent) and N (not older
   * than N) are served from the watch cache once it has caught up, "0" from the cache as
   * it is, and resourceVersionMatch=Exact from storage. With `limit` and "", pages are cut
   * from a snapshot of the cache that their continue tokens name (read.ts).
   */
  async list(namespace: string, opts: ListOptions): Promise<ListResult<KObject>> {
    const rv = opts.resourceVersion ?? '';
    const prefix = this.keyPrefix(namespace);
    if (opts.resourceVersionMatch === 'Exact') return listFromStorage(this.env.store, prefix, opts);
    if (opts.continue)
      return nextPage(this.env.store, this.cache, prefix, { ...opts, continue: opts.continue });
    const caches = this.env.caches;
    if (rv !== '0') {
      const want = rv === '' ? await this.env.store.currentRevision() : parseResourceVersion(rv);
      if (!(await caches.waitFor(want, FRESHNESS_WAIT_MS))) {
        if (rv !== '') throw tooLargeResourceVersion(want, caches.revision);
        return listFromStorage(this.env.store, prefix, opts);
      }
    }
    if ((opts.limit ?? 0) > 0 && rv === '')
      return firstPageFromCache(this.cache, prefix, caches.revision, opts);
    return {
      items: this.cache.list(prefix, opts.filter),
      resourceVersion: String(caches.revision),
    };
  }

  /**
   * A watch of this resource: resourceVersion "" or "0" starts with a synthetic ADDED for
   * every current object; N replays every change after N (410 Expired when too old).
   */
  async watch(namespace: string, opts: WatchOptions, signal: AbortSignal): Promise<CacheWatcher> {
    const rv = opts.resourceVersion ?? '';
    const caches = this.env.caches;
    const initial = rv === '' || rv === '0';
    const after = initial ? caches.revision : parseResourceVersion(rv);
    if (!initial && !(await caches.waitFor(after, FRESHNESS_WAIT_MS))) {
      throw tooLargeResourceVersion(after, caches.revision);
    }
    return this.cache.watch(this.keyPrefix(namespace), after, caches.revision, signal, {
      initial,
      ...(opts.filter ? { filter: opts.filter } : {}),
    });
  }

  /** The object as this endpoint's version shows it (stored objects may be another version). */
  out(obj: KObject): KObject {
    return this.def.codec ? this.def.codec.fromStorage(obj) : obj;
  }

  /** The stored form of an object sent to this endpoint. */
  in(obj: KObject): KObject {
    return this.def.codec ? this.def.codec.toStorage(obj) : obj;
  }

  notFound(name: string): never {
    throw Errors.notFound(this.gr, name);
  }

  /** Maps storage errors (NotFound, Exists, Conflict...) of this resource to API errors. */
  storageError(err: unknown, name: string): never {
    if (isStorageError(err)) return fromStorageError(err, this.gr, name);
    throw err;
  }
}
