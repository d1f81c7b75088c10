/**
 * Merging of one list field under strategic merge patch (a field whose strategy is `merge`, or a
 * `$deleteFromPrimitiveList` directive). Lists of objects merge by merge key and honour the
 * `$patch: delete` and `$patch: replace` elements; lists of primitives merge as sets. The result
 * is then ordered as smp-order.ts describes. Errors are PatchError('invalid').
 */
import { invalidPatch } from './errors.js';
import { getKey, isObject, type Json, type JsonObject, jsonEqual } from './json.js';
import { itemMeta, type PatchMeta } from './meta.js';
import { isDirectiveElement, type Merger, PATCH } from './smp-directives.js';
import {
  elementKind,
  identityFor,
  indexOfId,
  normalizeOrder,
  partition,
  requireMergeKey,
} from './smp-order.js';

function dedupe(items: readonly Json[]): Json[] {
  const out: Json[] = [];
  for (const item of items) if (!out.some((seen) => jsonEqual(seen, item))) out.push(item);
  return out;
}

function mergePrimitives(
  original: Json[],
  patch: readonly Json[],
  mergeKey: string,
  isDeleteList: boolean,
): Json[] {
  if (isDeleteList) return original.filter((item) => !patch.some((gone) => jsonEqual(gone, item)));
  if (mergeKey !== '') requireMergeKey(mergeKey, original, patch);
  const id = identityFor('');
  const merged = dedupe([...original, ...patch]);
  const [patched, serverOnly] = partition(merged, patch, id);
  return normalizeOrder(patched, serverOnly, patch, original, id);
}

/**
 * Applies the `$patch` elements of `patch`: deletions remove every element of `original` with the
 * same merge key; a `replace` element makes the rest of the patch the whole list. Returns the
 * list to merge into and the data elements left to merge.
 */
function applySpecialElements(
  original: Json[],
  patch: readonly Json[],
  mergeKey: string,
): { base: Json[]; rest: JsonObject[]; replaced: boolean } {
  let base = original;
  const rest: JsonObject[] = [];
  let replaced = false;
  for (const item of patch) {
    const element = item as JsonObject;
    if (!isDirectiveElement(element)) {
      rest.push(element);
      continue;
    }
    const directive = element[PATCH];
    if (directive === 'delete') {
      const key = getKey(element, mergeKey);
      if (key === undefined) {
        throw invalidPatch(
          `map: ${JSON.stringify(element)} does not contain declared merge key: ${mergeKey}`,
        );
      }
      base = base.filter((candidate) => {
        const candidateKey = isObject(candidate) ? getKey(candidate, mergeKey) : undefined;
        return candidateKey === undefined || !jsonEqual(candidateKey, key);
      });
    } else if (directive === 'replace') {
      replaced = true;
    } else if (directive === 'merge') {
      throw invalidPatch('merging lists cannot yet be specified in the patch');
    } else {
      throw invalidPatch(
        `unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(element)}`,
      );
    }
  }
  return { base, rest, replaced };
}

function mergeObjects(original: Json[], patch: readonly Json[], meta: PatchMeta, merger: Merger): Json[] {
  const mergeKey = meta.mergeKey ?? '';
  if (mergeKey === '') throw invalidPatch('cannot merge lists of objects without a merge key');
  const items = itemMeta(meta);
  const special = applySpecialElements(original, patch, mergeKey);
  let merged = special.base;
  let rest = special.rest;
  if (special.replaced) {
    merged = [];
    for (const element of rest) merged.push(merger.fresh(element, items)!);
    rest = [];
  }
  requireMergeKey(mergeKey, merged, rest);
  const id = identityFor(mergeKey);
  const serverOrder = merged.slice();
  for (const element of rest) {
    const at = indexOfId(merged, element, id);
    if (at >= 0) merged[at] = merger.map(merged[at] as JsonObject, element, items);
    else merged.push(merger.fresh(element, items)!);
  }
  const [patched, serverOnly] = partition(merged, rest, id);
  return normalizeOrder(patched, serverOnly, rest, serverOrder, id);
}

/**
 * Merges the list `patch` into `original` (owned by the caller, may be changed in place) for a
 * field described by `meta`. `isDeleteList` marks the values of a `$deleteFromPrimitiveList`
 * directive, which are removed instead of added.
 */
export function mergeList(
  original: Json[],
  patch: readonly Json[],
  meta: PatchMeta,
  isDeleteList: boolean,
  merger: Merger,
): Json[] {
  if (original.length === 0 && patch.length === 0) return original;
  if (elementKind(original, patch) !== 'object') {
    return mergePrimitives(original, patch, meta.mergeKey ?? '', isDeleteList);
  }
  return mergeObjects(original, patch, meta, merger);
}
