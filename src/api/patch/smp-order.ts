/**
 * Element identity and ordering for strategic merge patch lists, following the API server:
 * after a merge, the elements named by the patch (or by `$setElementOrder`) take the patch's
 * order, elements only the server had keep their old relative order, and the two runs are
 * interleaved using the server's old positions. Pure; returns new lists, never mutates.
 */
import { invalidPatch } from './errors.js';
import { getKey, isObject, type Json, type JsonKind, jsonEqual, kindOf } from './json.js';

/**
 * The one JSON kind shared by every element of the given lists. A mixed list, a list of lists
 * and two empty lists have none and are malformed patches.
 */
export function elementKind(...lists: readonly (readonly Json[])[]): JsonKind {
  let kind: JsonKind | undefined;
  for (const list of lists) {
    for (const item of list) {
      const k = kindOf(item);
      if (k === 'array') throw invalidPatch('lists of lists are not supported');
      if (kind !== undefined && kind !== k) {
        throw invalidPatch(`list element types are not identical: ${JSON.stringify(lists)}`);
      }
      kind = k;
    }
  }
  if (kind === undefined) throw invalidPatch('no elements in any of the given slices');
  return kind;
}

/** What identifies an element: its merge key's value for objects, the value itself otherwise. */
export type Identity = (item: Json) => Json | undefined;

export function identityFor(mergeKey: string): Identity {
  if (mergeKey === '') return (item) => item;
  return (item) => (isObject(item) ? getKey(item, mergeKey) : undefined);
}

function sameId(a: Json | undefined, b: Json | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return jsonEqual(a, b);
}

/** Position of the first element of `list` with the identity of `item`, or -1. */
export function indexOfId(list: readonly Json[], item: Json, id: Identity): number {
  const wanted = id(item);
  return list.findIndex((candidate) => sameId(id(candidate), wanted));
}

/** Splits `items` into those whose identity appears in `by` and the others, keeping order. */
export function partition(items: readonly Json[], by: readonly Json[], id: Identity): [Json[], Json[]] {
  const inside: Json[] = [];
  const outside: Json[] = [];
  for (const item of items) (indexOfId(by, item, id) >= 0 ? inside : outside).push(item);
  return [inside, outside];
}

/** `items` stably sorted by their position in `order`; items not in it go last. */
function sortBy(items: readonly Json[], order: readonly Json[], id: Identity): Json[] {
  const ranked = items.map((item) => {
    const rank = indexOfId(order, item, id);
    return { item, rank: rank < 0 ? Number.MAX_SAFE_INTEGER : rank };
  });
  ranked.sort((a, b) => a.rank - b.rank);
  return ranked.map((entry) => entry.item);
}

/**
 * Interleaves `serverOnly` into `patched`, both already sorted. A server-only element goes before
 * the next patched element only when the server had both and had it first; the relative order
 * inside each run is kept.
 */
function interleave(serverOnly: Json[], patched: Json[], serverOrder: readonly Json[], id: Identity): Json[] {
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    if (j >= patched.length) {
      out.push(serverOnly[i++]!);
    } else if (i >= serverOnly.length) {
      out.push(patched[j++]!);
    } else {
      const left = indexOfId(serverOrder, serverOnly[i]!, id);
      const right = indexOfId(serverOrder, patched[j]!, id);
      if (left >= 0 && right >= 0 && left < right) out.push(serverOnly[i++]!);
      else out.push(patched[j++]!);
    }
  }
  return out;
}

/**
 * The final order of a merged list: `patched` (elements the patch names) sorted by `patchOrder`,
 * `serverOnly` sorted by `serverOrder` (the list as the server had it), then interleaved.
 */
export function normalizeOrder(
  patched: readonly Json[],
  serverOnly: readonly Json[],
  patchOrder: readonly Json[],
  serverOrder: readonly Json[],
  id: Identity,
): Json[] {
  return interleave(sortBy(serverOnly, serverOrder, id), sortBy(patched, patchOrder, id), serverOrder, id);
}

/** Throws unless every element of `lists` is an object carrying `mergeKey`. */
export function requireMergeKey(mergeKey: string, ...lists: readonly (readonly Json[])[]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isObject(item)) throw invalidPatch(`expected a map, but received a ${kindOf(item)}`);
      if (getKey(item, mergeKey) === undefined) {
        throw invalidPatch(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
      }
    }
  }
}
