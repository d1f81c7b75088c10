/**
 * An informer's local cache: objects by `namespace/name` key, with indexes (namespace
 * built in, others declared by the user: node, owner, label...). Objects are shared and
 * must not be mutated by readers. Pure.
 */
import type { KObject } from '../registry/types.js';

export type IndexFunc = (obj: KObject) => string[];

export function keyOf(obj: KObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : (m.name ?? '');
}

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

export const NAMESPACE_INDEX = 'namespace';

export class Cache {
  private readonly items = new Map<string, KObject>();
  private readonly indexers = new Map<string, IndexFunc>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(indexers: Record<string, IndexFunc> = {}) {
    this.indexers.set(NAMESPACE_INDEX, (o) => [o.metadata?.namespace ?? '']);
    for (const [name, f] of Object.entries(indexers)) this.indexers.set(name, f);
    for (const name of this.indexers.keys()) this.indexes.set(name, new Map());
  }

  addIndexer(name: string, f: IndexFunc): void {
    if (this.indexers.has(name)) return;
    this.indexers.set(name, f);
    const idx = new Map<string, Set<string>>();
    this.indexes.set(name, idx);
    for (const [k, o] of this.items) for (const v of f(o)) add(idx, v, k);
  }

  get(key: string): KObject | undefined {
    return this.items.get(key);
  }

  getByName(namespace: string, name: string): KObject | undefined {
    return this.items.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): KObject[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  get size(): number {
    return this.items.size;
  }

  byIndex(index: string, value: string): KObject[] {
    const keys = this.indexes.get(index)?.get(value);
    if (!keys) return [];
    const out: KObject[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** Stores `obj`, returning the previous object under its key. */
  upsert(obj: KObject): KObject | undefined {
    const key = keyOf(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    for (const [name, f] of this.indexers) for (const v of f(obj)) add(this.indexes.get(name)!, v, key);
    return old;
  }

  remove(key: string): KObject | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private unindex(key: string, obj: KObject): void {
    for (const [name, f] of this.indexers) {
      const idx = this.indexes.get(name)!;
      for (const v of f(obj)) {
        const set = idx.get(v);
        set?.delete(key);
        if (set?.size === 0) idx.delete(v);
      }
    }
  }
}

function add(idx: Map<string, Set<string>>, value: string, key: string): void {
  let set = idx.get(value);
  if (!set) {
    set = new Set();
    idx.set(value, set);
  }
  set.add(key);
}
