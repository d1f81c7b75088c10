/**
 * Paginated lists and lists at an exact revision. A paginated list is cut from a snapshot
 * of the watch cache taken by its first page (its continue tokens name the snapshot's
 * revision); a page whose snapshot is no longer kept, and a list at an exact revision,
 * are read from storage, filtered page by page. Plus the resourceVersion parsing rules.
 */
import { ApiError, Errors } from '../../apiserver/errors.js';
import {
  decodeContinue,
  encodeContinue,
  InvalidContinueError,
  keyAfter,
} from '../../storage/continue-token.js';
import { isStorageError } from '../../storage/errors.js';
import type { Store } from '../../storage/types.js';
import { type ListSnapshot, lowerBound, type ResourceCache } from '../cache/resource-cache.js';
import type { KObject } from '../types.js';
import { decode } from './meta.js';
import type { ListOptions, ListResult } from './options.js';

export function parseResourceVersion(rv: string): number {
  if (!/^[0-9]+$/.test(rv)) throw Errors.badRequest(`invalid resource version "${rv}"`);
  const n = Number(rv);
  if (!Number.isSafeInteger(n)) throw Errors.badRequest(`invalid resource version "${rv}"`);
  return n;
}

export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ type: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}

const CONTINUE_EXPIRED =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/** The API error for what a storage list threw. */
function listError(err: unknown, opts: ListOptions): unknown {
  if (err instanceof InvalidContinueError)
    return Errors.badRequest(`continue key is not valid: ${err.message}`);
  if (isStorageError(err, 'Compacted')) {
    return opts.continue
      ? Errors.expired(CONTINUE_EXPIRED)
      : Errors.expired(`resourceVersion ${opts.resourceVersion ?? ''} is too old`);
  }
  if (isStorageError(err)) return Errors.unavailable(err.message);
  return err;
}

export async function listFromStorage(
  store: Store,
  prefix: string,
  opts: ListOptions,
): Promise<ListResult<KObject>> {
  const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
  const rv = opts.resourceVersion ?? '';
  let revision: number | undefined;
  if (!opts.continue && opts.resourceVersionMatch === 'Exact') revision = parseResourceVersion(rv);
  const items: KObject[] = [];
  let cont = opts.continue;
  let count = 0;
  let atRevision = 0;
  try {
    for (;;) {
      const page = await store.list(prefix, {
        ...(limit ? { limit: limit - items.length } : {}),
        ...(cont ? { continue: cont } : revision ? { revision } : {}),
      });
      atRevision = page.revision;
      count = page.count;
      for (const kv of page.items) {
        const obj = decode(kv.value, kv.modRevision);
        if (!opts.filter || opts.filter(obj)) items.push(obj);
      }
      cont = page.continue;
      if (!cont || (limit && items.length >= limit)) break;
      // Ask again from where this page ended, at the same revision.
    }
  } catch (err) {
    throw listError(err, opts);
  }
  const result: ListResult<KObject> = { items, resourceVersion: String(atRevision) };
  if (cont) {
    result.continue = cont;
    if (!opts.filter) result.remainingItemCount = Math.max(0, count - items.length);
  }
  return result;
}

/** One page of `snap` from `startKey` on: at most `limit` matching objects. */
function pageOf(snap: ListSnapshot, startKey: string, limit: number, opts: ListOptions): ListResult<KObject> {
  const { keys, objects } = snap;
  const items: KObject[] = [];
  let i = lowerBound(keys, startKey);
  let last = '';
  for (; i < keys.length && items.length < limit; i++) {
    const o = objects[i]!;
    last = keys[i]!;
    if (!opts.filter || opts.filter(o)) items.push(o);
  }
  const result: ListResult<KObject> = { items, resourceVersion: String(snap.revision) };
  if (i < keys.length) {
    result.continue = encodeContinue({ revision: snap.revision, startKey: keyAfter(last) });
    if (!opts.filter) result.remainingItemCount = keys.length - i;
  }
  return result;
}

/**
 * The first page of a paginated list (`limit` set, no continue token), from the watch
 * cache as it is at `revision` (the caller has waited for it to get there). The snapshot
 * is kept for the following pages when there are any.
 */
export function firstPageFromCache(
  cache: ResourceCache,
  keyPrefix: string,
  revision: number,
  opts: ListOptions,
): ListResult<KObject> {
  const snap = cache.snapshot(keyPrefix, revision);
  const page = pageOf(snap, keyPrefix, opts.limit ?? 0, opts);
  if (page.continue) cache.snapshots.put(keyPrefix, snap);
  return page;
}

/** A following page of a paginated list: from its snapshot while kept, else from storage. */
export async function nextPage(
  store: Store,
  cache: ResourceCache,
  keyPrefix: string,
  opts: ListOptions & { continue: string },
): Promise<ListResult<KObject>> {
  let point: ReturnType<typeof decodeContinue>;
  try {
    point = decodeContinue(opts.continue);
  } catch (err) {
    throw listError(err, opts);
  }
  const snap = cache.snapshots.get(keyPrefix, point.revision);
  if (!snap) return listFromStorage(store, keyPrefix, opts);
  // The page comes from memory, but a token older than storage's compaction point is
  // expired all the same, as storage would answer it.
  let compacted: number;
  try {
    compacted = await store.compactRevision();
  } catch (err) {
    throw listError(err, opts);
  }
  if (point.revision < compacted) throw Errors.expired(CONTINUE_EXPIRED);
  const limit = opts.limit && opts.limit > 0 ? opts.limit : Number.MAX_SAFE_INTEGER;
  return pageOf(snap, point.startKey, limit, opts);
}
