/**
 * Reads served straight from storage: paginated lists (limit/continue) and lists at an
 * exact revision, filtered page by page. Plus the resourceVersion parsing rules.
 */
import { ApiError, Errors } from '../../apiserver/errors.js';
import { InvalidContinueError } from '../../storage/continue-token.js';
import { isStorageError } from '../../storage/errors.js';
import type { Store } from '../../storage/types.js';
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
    if (err instanceof InvalidContinueError)
      throw Errors.badRequest(`continue key is not valid: ${err.message}`);
    if (isStorageError(err, 'Compacted')) {
      throw opts.continue
        ? Errors.expired(CONTINUE_EXPIRED)
        : Errors.expired(`resourceVersion ${rv} is too old`);
    }
    if (isStorageError(err)) throw Errors.unavailable(err.message);
    throw err;
  }
  const result: ListResult<KObject> = { items, resourceVersion: String(atRevision) };
  if (cont) {
    result.continue = cont;
    if (!opts.filter) result.remainingItemCount = Math.max(0, count - items.length);
  }
  return result;
}
