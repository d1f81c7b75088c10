/**
 * Where a write starts: the current object, from the watch cache when it may be or from
 * storage when it must be (`current`); preconditions on it; and the guaranteed update of
 * subresources that change the stored object outside the update pipeline.
 */
import { Errors } from '../../apiserver/errors.js';
import { isStorageError } from '../../storage/errors.js';
import type { KeyValue } from '../../storage/types.js';
import type { KObject, RequestContext } from '../types.js';
import { decode, encode, meta } from './meta.js';
import type { GenericStore } from './store.js';

// Each round of racing writers lets one win; bounded well above realistic contention.
export const MAX_ATTEMPTS = 200;

/** What a write may require of the stored object: its uid and resourceVersion. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/**
 * A change of one stored object outside the update pipeline, as upstream's GuaranteedUpdate
 * for subresources that are not updates of the object (pods/binding): take the current
 * object (`current`), check the preconditions, let `mutate` change a copy (it throws to
 * refuse), write with compare-and-swap, and start over from the newer object when another
 * write won. No defaulting, admission, validation or managedFields: the change is the write.
 */
export async function guaranteedUpdate(
  s: GenericStore,
  ctx: RequestContext,
  namespace: string,
  name: string,
  preconditions: Preconditions | undefined,
  mutate: (obj: KObject) => void,
): Promise<KObject> {
  const key = s.key(namespace, name);
  for (let attempt = 0; ; attempt++) {
    const cur = await current(s, key, name, attempt === 0 && !ctx.dryRun);
    if (!cur) s.notFound(name);
    const obj = cur.copy();
    try {
      checkPreconditions(s, name, meta(obj), preconditions);
      mutate(obj);
    } catch (err) {
      // Refused on the cache's copy, which may be behind: decide on storage's.
      if (cur.cached) continue;
      throw err;
    }
    if (ctx.dryRun) return obj;
    try {
      const kv = await s.env.store.update(key, encode(obj), cur.modRevision);
      meta(obj).resourceVersion = String(kv.modRevision);
      return obj;
    } catch (err) {
      if (isStorageError(err, 'Conflict') && attempt < MAX_ATTEMPTS) continue;
      return s.storageError(err, name);
    }
  }
}

export function checkPreconditions(
  s: GenericStore,
  name: string,
  m: NonNullable<KObject['metadata']>,
  pre: Preconditions | undefined,
): void {
  if (pre?.uid && pre.uid !== m.uid) {
    throw Errors.conflict(
      s.gr,
      name,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${m.uid}`,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== m.resourceVersion) {
    throw Errors.conflict(
      s.gr,
      name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${m.resourceVersion}`,
    );
  }
}

/** The stored object a write starts from: its revision, and new decoded copies of it. */
export interface Current {
  modRevision: number;
  /** A new mutable copy of the object at each call. */
  copy(): KObject;
  /** From the watch cache, which may be behind storage. */
  cached: boolean;
}

/**
 * The object a write starts from. With `useCache`, the watch cache's copy when it holds the
 * key, as kube-apiserver's GuaranteedUpdate starts from the cacher's: no storage read, and
 * if the cache was behind, the write's compare-and-swap fails and the write starts again
 * from storage (so does one that the cache's copy would refuse or find unchanged). A key
 * the cache does not hold is read from storage (the cache may not have seen it created).
 */
export async function current(
  s: GenericStore,
  key: string,
  name: string,
  useCache: boolean,
): Promise<Current | undefined> {
  if (useCache) {
    const obj = s.cache.objects.get(key);
    const rv = Number(obj?.metadata?.resourceVersion);
    if (obj && rv > 0) {
      const text = JSON.stringify(obj);
      return { modRevision: rv, copy: () => JSON.parse(text) as KObject, cached: true };
    }
  }
  const kv = await getOrUndefined(s, key, name);
  return kv && { modRevision: kv.modRevision, copy: () => decode(kv.value, kv.modRevision), cached: false };
}

export async function getOrUndefined(
  s: GenericStore,
  key: string,
  name: string,
): Promise<KeyValue | undefined> {
  try {
    return await s.env.store.get(key);
  } catch (err) {
    if (isStorageError(err, 'NotFound')) return undefined;
    return s.storageError(err, name);
  }
}
