/**
 * The `$setElementOrder/<list>` directive of strategic merge patch: merge the named list (if the
 * patch also carries it), then order the result as the directive says. The patch's elements must
 * appear in the directive in the same relative order. Elements the directive does not name (the
 * server's own) are interleaved by their old positions, as the API server does. Pure apart from
 * writing the ordered lists into `original`; errors are PatchError('invalid').
 */
import { invalidPatch } from './errors.js';
import { getKey, isObject, type Json, type JsonObject, jsonEqual, kindOf, setKey } from './json.js';
import { fieldMeta, mergesList, type PatchMeta } from './meta.js';
import {
  directiveTarget,
  isDirectiveElement,
  type Merger,
  PATCH,
  SET_ELEMENT_ORDER,
} from './smp-directives.js';
import { mergeList } from './smp-list.js';
import { elementKind, identityFor, normalizeOrder, partition, requireMergeKey } from './smp-order.js';

function listAt(obj: JsonObject, key: string, what: string): Json[] | undefined {
  const value = getKey(obj, key);
  if (value === undefined || Array.isArray(value)) return value;
  throw invalidPatch(`expected a list for ${what}, but received a ${kindOf(value)}`);
}

/** Checks that the data elements of `patchList` appear in `order` in the same relative order. */
function checkOrder(patchList: readonly Json[], order: readonly Json[], mergeKey: string): void {
  if (patchList.length === 0 || order.length === 0) return;
  if (mergeKey !== '') requireMergeKey(mergeKey, order);
  const same = (a: Json, b: Json): boolean => {
    if (mergeKey === '') return jsonEqual(a, b);
    requireMergeKey(mergeKey, [a]);
    return jsonEqual(getKey(a as JsonObject, mergeKey)!, getKey(b as JsonObject, mergeKey)!);
  };
  const data = patchList.filter((item) => !(isObject(item) && item[PATCH] === 'delete'));
  let p = 0;
  let o = 0;
  while (p < data.length && o < order.length) {
    if (isDirectiveElement(data[p]!)) {
      p++;
      continue;
    }
    if (same(data[p]!, order[o]!)) p++;
    o++;
  }
  if (p < data.length) {
    throw invalidPatch(
      `The order in patch list:\n${JSON.stringify(patchList)}\n doesn't match ${SET_ELEMENT_ORDER} list:\n` +
        `${JSON.stringify(order)}\n`,
    );
  }
}

function orderOne(
  original: JsonObject,
  patch: JsonObject,
  target: string,
  order: readonly Json[],
  meta: PatchMeta,
  merger: Merger,
): void {
  const serverList = listAt(original, target, target);
  const patchList = listAt(patch, target, target);
  const listMeta = fieldMeta(meta, target);
  const mergeKey = listMeta.mergeKey ?? '';
  checkOrder(patchList ?? [], order, mergeKey);
  // The server's order as it was before merging (mergeList may change `serverList` in place).
  const serverOrder = serverList === undefined ? [] : serverList.slice();
  let merged: Json[];
  if (patchList === undefined) {
    if (serverList === undefined) return;
    merged = serverList;
  } else if (serverList === undefined || !mergesList(listMeta)) {
    merged = merger.fresh(patchList, listMeta) as Json[];
  } else {
    merged = mergeList(serverList, patchList, listMeta, false, merger);
  }
  if (serverOrder.length === 0 && (patchList ?? []).length === 0) {
    setKey(original, target, merged);
    return;
  }
  const kind = elementKind(serverOrder, patchList ?? []);
  const useKey = kind === 'object' ? mergeKey : '';
  if (useKey !== '') requireMergeKey(useKey, merged, order);
  const id = identityFor(useKey);
  const [named, serverOnly] = partition(merged, order, id);
  setKey(original, target, normalizeOrder(named, serverOnly, order, serverOrder, id));
}

/**
 * Processes every `$setElementOrder/<list>` key of `patch` against `original` (owned by the
 * caller, changed in place). Returns the names of the lists it fully handled, which the caller
 * must not merge again.
 */
export function applySetElementOrder(
  original: JsonObject,
  patch: JsonObject,
  meta: PatchMeta,
  merger: Merger,
): Set<string> {
  const handled = new Set<string>();
  for (const key of Object.keys(patch)) {
    const target = directiveTarget(key, SET_ELEMENT_ORDER);
    if (target === undefined) continue;
    const order = patch[key]!;
    if (!Array.isArray(order)) {
      throw invalidPatch(`invalid patch format of setElementOrder list: ${key} is a ${kindOf(order)}`);
    }
    orderOne(original, patch, target, order, meta, merger);
    handled.add(target);
  }
  return handled;
}
