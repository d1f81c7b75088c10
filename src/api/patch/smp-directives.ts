/**
 * The directive vocabulary of strategic merge patch and the `Merger` contract that lets the list
 * and ordering modules call back into map merging without an import cycle. Pure.
 */
import { invalidPatch } from './errors.js';
import type { Json, JsonObject } from './json.js';
import type { PatchMeta } from './meta.js';

/** `{"$patch": "replace" | "delete" | "merge"}` inside a map or as a list element. */
export const PATCH = '$patch';
/** `"$retainKeys": [...]`: after merging keep only these keys of the map. */
export const RETAIN_KEYS = '$retainKeys';
/** `"$setElementOrder/<list>": [...]`: the order the merged list must have. */
export const SET_ELEMENT_ORDER = '$setElementOrder';
/** `"$deleteFromPrimitiveList/<list>": [...]`: values to remove from a list of primitives. */
export const DELETE_FROM_PRIMITIVE_LIST = '$deleteFromPrimitiveList';

/**
 * For a key that starts with a list directive (`prefix`), the name of the list it applies to;
 * undefined for any other key. A key that starts with the prefix but is not `prefix/<list>`
 * is a malformed patch.
 */
export function directiveTarget(key: string, prefix: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  if (key[prefix.length] !== '/') {
    const what = prefix === SET_ELEMENT_ORDER ? 'setElementOrder list' : 'primitive list';
    throw invalidPatch(`invalid patch format of ${what}: ${JSON.stringify(key)}`);
  }
  return key.slice(prefix.length + 1);
}

/** Whether a list element is a directive (a map with `$patch`) rather than data. */
export function isDirectiveElement(value: Json): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, PATCH);
}

/**
 * The recursive operations the list and order modules need from map merging.
 * `map` merges `patch` into `original`, which the caller owns and which may be changed in place;
 * `patch` is never changed. `fresh` turns a patch value with no counterpart in the object into
 * the value to store: directives applied and removed, nulls inside maps dropped; undefined means
 * "store nothing" (a map carrying `$patch: delete`).
 */
export interface Merger {
  map(original: JsonObject, patch: JsonObject, meta: PatchMeta): JsonObject;
  fresh(value: Json, meta: PatchMeta): Json | undefined;
}
