/**
 * An informer: lists a resource, then watches from the list's resourceVersion, keeping a
 * local indexed cache and telling handlers about adds, (old, new) updates and deletes.
 * It never goes silent: on 410 Gone or any broken watch it relists, emitting deletes for
 * objects that vanished meanwhile, and retries forever with capped backoff, reporting
 * its health instead of stopping. Watches ask for bookmarks and are bounded by a server
 * timeout, not a client one. A throwing handler is logged, never fatal. An optional
 * transform trims each object before it is cached or handed out (as upstream informers
 * drop managedFields), so a process that caches many objects keeps only what it reads.
 * Every object it caches and hands out is deeply frozen: informer objects are shared
 * (through the in-process transport, with the API server's watch cache), so a component
 * that wants to change one copies it first, and one that forgets fails loudly.
 */
import type { KObject } from '../registry/types.js';
import { deepFreeze } from '../util/deep-freeze.js';
import { Backoff, sleep } from './backoff.js';
import { Cache, type IndexFunc, keyOf } from './cache.js';
import type { ResourceClient } from './client.js';
import { ApiStatusError } from './errors.js';

export interface Handler {
  onAdd?(obj: KObject): void;
  onUpdate?(oldObj: KObject, newObj: KObject): void;
  /** `obj` is the last known state (a tombstone when the delete was missed and found by relisting). */
  onDelete?(obj: KObject): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  indexers?: Record<string, IndexFunc>;
  log?: (msg: string) => void;
  /** Server-side timeout of each watch request (the server ends it; we re-watch). */
  watchTimeoutSeconds?: number;
  /**
   * Applied to every object received (listed or watched, deletes included) before it is
   * cached and handed to handlers. The object may be shared (the in-process watch hands
   * out the watch cache's frozen objects): a transform that changes anything returns a
   * copy. It must keep metadata.name, namespace and resourceVersion. Default: none.
   */
  transform?: (obj: KObject) => KObject;
}

/** A transform that drops metadata.managedFields, which no component but the API server reads. */
export function dropManagedFields(obj: KObject): KObject {
  const meta = obj.metadata;
  if (meta?.managedFields === undefined) return obj;
  const { managedFields: _, ...rest } = meta;
  return { ...obj, metadata: rest };
}

export class Informer {
  readonly cache: Cache;
  private readonly handlers: Handler[] = [];
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private running: Promise<void> | undefined;
  private rv = '';
  lastError: string | undefined;

  constructor(
    readonly client: ResourceClient,
    private readonly opts: InformerOptions = {},
  ) {
    this.cache = new Cache(opts.indexers);
  }

  /** Adds a handler; with `scope`, it is removed again when `scope` aborts. */
  addHandler(h: Handler, scope?: AbortSignal): void {
    if (scope?.aborted) return;
    this.handlers.push(h);
    scope?.addEventListener(
      'abort',
      () => {
        const i = this.handlers.indexOf(h);
        if (i >= 0) this.handlers.splice(i, 1);
      },
      { once: true },
    );
    // A handler added late still hears about what is already known.
    if (this.synced) for (const o of this.cache.list()) this.call(h, 'onAdd', o);
  }

  addIndexer(name: string, f: IndexFunc): void {
    this.cache.addIndexer(name, f);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache (or `signal` aborts). */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.syncWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Runs until `signal` aborts. Idempotent. */
  start(signal: AbortSignal): Promise<void> {
    this.running ??= this.run(signal);
    return this.running;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(200, 30_000);
    while (!signal.aborted) {
      try {
        if (!this.rv) await this.relist();
        backoff.reset();
        await this.watch(signal);
      } catch (err) {
        if (signal.aborted) break;
        const gone =
          err instanceof ApiStatusError &&
          (err.code === 410 || err.reason === 'Expired' || err.reason === 'Gone');
        this.lastError = (err as Error).message;
        if (gone) {
          this.rv = '';
          continue;
        }
        this.opts.log?.(`informer ${this.client.plural}: ${this.lastError}; retrying`);
        this.rv = '';
        await sleep(backoff.next(), signal);
      }
    }
  }

  private async relist(): Promise<void> {
    const items: KObject[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const page = await this.client.list(this.opts.namespace, {
        ...this.selectors(),
        limit: 5000,
        ...(cont ? { continue: cont } : {}),
      });
      const t = this.opts.transform;
      for (const item of page.items) items.push(deepFreeze(t ? t(item) : item));
      rv = page.metadata.resourceVersion;
      cont = page.metadata.continue;
    } while (cont);
    const seen = new Set<string>();
    for (const item of items) {
      const key = keyOf(item);
      seen.add(key);
      const old = this.cache.upsert(item);
      if (!old) this.emit('onAdd', item);
      else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion)
        this.emit('onUpdate', old, item);
    }
    for (const key of this.cache.keys()) {
      if (!seen.has(key)) {
        const gone = this.cache.remove(key)!;
        this.emit('onDelete', gone);
      }
    }
    this.rv = rv;
    this.lastError = undefined;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
  }

  private async watch(signal: AbortSignal): Promise<void> {
    const events = this.client.watch(
      this.opts.namespace,
      {
        ...this.selectors(),
        resourceVersion: this.rv,
        allowWatchBookmarks: true,
        timeoutSeconds: this.opts.watchTimeoutSeconds ?? 300 + Math.floor(Math.random() * 300),
      },
      signal,
    );
    const t = this.opts.transform;
    for await (const ev of events) {
      if (ev.type === 'ERROR') {
        const obj = ev.object;
        const code = (obj as { code?: number }).code ?? 500;
        throw new ApiStatusError(code, obj as { reason?: string; message?: string });
      }
      const obj = deepFreeze(t && ev.type !== 'BOOKMARK' ? t(ev.object) : ev.object);
      const rv = obj.metadata?.resourceVersion;
      if (ev.type === 'BOOKMARK') {
        if (rv) this.rv = rv;
        continue;
      }
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') {
        const old = this.cache.upsert(obj);
        if (old) this.emit('onUpdate', old, obj);
        else this.emit('onAdd', obj);
      } else if (ev.type === 'DELETED') {
        this.cache.remove(keyOf(obj));
        this.emit('onDelete', obj);
      }
      if (rv) this.rv = rv;
    }
  }

  private selectors() {
    return {
      ...(this.opts.labelSelector ? { labelSelector: this.opts.labelSelector } : {}),
      ...(this.opts.fieldSelector ? { fieldSelector: this.opts.fieldSelector } : {}),
    };
  }

  private emit(what: 'onAdd' | 'onDelete', obj: KObject): void;
  private emit(what: 'onUpdate', old: KObject, obj: KObject): void;
  private emit(what: keyof Handler, a: KObject, b?: KObject): void {
    for (const h of this.handlers) this.call(h, what, a, b);
  }

  private call(h: Handler, what: keyof Handler, a: KObject, b?: KObject): void {
    try {
      if (what === 'onUpdate') h.onUpdate?.(a, b!);
      else h[what]?.(a);
    } catch (err) {
      this.opts.log?.(
        `informer ${this.client.plural}: handler ${what} threw: ${(err as Error).stack ?? String(err)}`,
      );
    }
  }
}
