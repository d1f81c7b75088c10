/**
 * Merging of one map under strategic merge patch, the heart of the API server's
 * `application/strategic-merge-patch+json` handling: keys merge recursively, `null` deletes,
 * `$patch`, `$retainKeys`, `$setElementOrder/...` and `$deleteFromPrimitiveList/...` are
 * obeyed and never stored. Changes only the `original` map it is handed (callers pass copies);
 * never changes the patch. Errors are PatchError('invalid').
 */
import { invalidPatch } from './errors.js';
import { deleteKey, getKey, hasKey, isObject, type Json, type JsonObject, kindOf, setKey } from './json.js';
import { fieldMeta, itemMeta, mergesList, type PatchMeta, replacesObject } from './meta.js';
import {
  DELETE_FROM_PRIMITIVE_LIST,
  directiveTarget,
  isDirectiveElement,
  type Merger,
  PATCH,
  RETAIN_KEYS,
  SET_ELEMENT_ORDER,
} from './smp-directives.js';
import { mergeList } from './smp-list.js';
import { applySetElementOrder } from './smp-set-order.js';

const merger: Merger = { map: mergeMap, fresh };

/** A map carrying `$patch`: `replace` makes the rest of it the whole map, `delete` empties it. */
function mapDirective(patch: JsonObject, meta: PatchMeta): JsonObject {
  const directive = patch[PATCH];
  if (directive === 'replace') {
    const rest: JsonObject = {};
    for (const key of Object.keys(patch)) if (key !== PATCH) setKey(rest, key, patch[key]!);
    return mergeMap({}, rest, meta);
  }
  if (directive === 'delete') return {};
  throw invalidPatch(`unknown patch type: ${JSON.stringify(directive)} in map: ${JSON.stringify(patch)}`);
}

/** `$retainKeys`: drop the keys of `original` not listed; every key the patch sets must be listed. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const retain = getKey(patch, RETAIN_KEYS);
  if (retain === undefined) return;
  if (!Array.isArray(retain)) throw invalidPatch('invalid patch format of retainKeys');
  const kept = new Set(retain.filter((key): key is string => typeof key === 'string'));
  for (const key of Object.keys(patch)) {
    if (key === RETAIN_KEYS || patch[key] === null) continue;
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!kept.has(key)) throw invalidPatch('invalid patch format of retainKeys');
  }
  for (const key of Object.keys(original)) if (!kept.has(key)) deleteKey(original, key);
}

/** The value to store for a patch value that has no counterpart to merge with. */
function fresh(value: Json, meta: PatchMeta): Json | undefined {
  if (Array.isArray(value)) {
    const items = itemMeta(meta);
    const out: Json[] = [];
    for (const item of value) {
      if (isDirectiveElement(item)) continue;
      const stored = fresh(item, items);
      if (stored !== undefined) out.push(stored);
    }
    return out;
  }
  if (isObject(value)) {
    if (value[PATCH] === 'delete') return undefined;
    return mergeMap({}, value, meta);
  }
  return value;
}

function store(original: JsonObject, key: string, value: Json | undefined): void {
  if (value === undefined) deleteKey(original, key);
  else setKey(original, key, value);
}

/** Merges one patch entry whose target key already exists in `original`. */
function mergeExisting(original: JsonObject, key: string, current: Json, value: Json, meta: PatchMeta): void {
  if (isObject(current) && isObject(value)) {
    store(original, key, replacesObject(meta) ? fresh(value, meta) : mergeMap(current, value, meta));
  } else if (Array.isArray(current) && Array.isArray(value)) {
    store(
      original,
      key,
      mergesList(meta) ? mergeList(current, value, meta, false, merger) : fresh(value, meta),
    );
  } else {
    store(original, key, fresh(value, meta));
  }
}

/** `$deleteFromPrimitiveList/<key>`: remove values from an existing list (of any strategy). */
function deleteFromList(original: JsonObject, key: string, value: Json, meta: PatchMeta): void {
  if (value === null) {
    deleteKey(original, key);
    return;
  }
  const current = getKey(original, key);
  if (!Array.isArray(current) || !Array.isArray(value)) return;
  setKey(original, key, mergeList(current, value, meta, true, merger));
}

/**
 * Merges `patch` into `original` for an object described by `meta` and returns the result, which
 * is `original` itself unless a `$patch` directive replaces it.
 */
export function mergeMap(original: JsonObject, patch: JsonObject, meta: PatchMeta): JsonObject {
  if (hasKey(patch, PATCH)) return mapDirective(patch, meta);
  applyRetainKeys(original, patch);
  const ordered = applySetElementOrder(original, patch, meta, merger);
  for (const key of Object.keys(patch)) {
    if (key === RETAIN_KEYS || key.startsWith(SET_ELEMENT_ORDER) || ordered.has(key)) continue;
    const value = patch[key]!;
    const listKey = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST);
    if (listKey !== undefined) {
      deleteFromList(original, listKey, value, fieldMeta(meta, listKey));
      continue;
    }
    if (value === null) {
      deleteKey(original, key);
      continue;
    }
    const current = getKey(original, key);
    const child = fieldMeta(meta, key);
    if (current === undefined || kindOf(current) !== kindOf(value)) store(original, key, fresh(value, child));
    else mergeExisting(original, key, current, value, child);
  }
  return original;
}
