/**
 * Strategic merge patch as the Kubernetes API server applies it (`kubectl apply` sends a
 * three-way patch it computed itself; the server only applies it). The rules per field come from
 * a PatchMeta (see patchMetaFor). Pure: the inputs are never mutated and the result shares
 * nothing with them.
 *
 * It follows the upstream server, element order included, except where upstream would leave a
 * directive or a null in the stored object (which its typed decoding then drops) or would fail
 * for no reason kubectl can trigger:
 * - a new value (no counterpart in the object) has its directives applied and removed and its
 *   nulls inside maps dropped, so a new map carrying `$patch: replace` stores its contents
 *   (upstream stores nothing);
 * - `$setElementOrder` over a list that is empty on both sides is not an error.
 * `$patch: delete` inside a map empties that map, as upstream does.
 */
import { invalidPatch } from './errors.js';
import { deepClone, isObject, type Json, type JsonObject, kindOf } from './json.js';
import type { PatchMeta } from './meta.js';
import { mergeMap } from './smp-map.js';

/**
 * Applies the strategic merge patch `patch` (a JSON object) to `doc` (a JSON object, or null for
 * "nothing yet") using the field strategies in `meta`. Throws PatchError('invalid') when the
 * patch is malformed or does not fit the document's shape.
 */
export function applyStrategicMergePatch(doc: Json, patch: Json, meta: PatchMeta): Json {
  if (!isObject(patch))
    throw invalidPatch(`a strategic merge patch must be a JSON object, not a ${kindOf(patch)}`);
  if (doc !== null && !isObject(doc)) {
    throw invalidPatch(`a strategic merge patch applies to a JSON object, not a ${kindOf(doc)}`);
  }
  const original: JsonObject = doc === null ? {} : (deepClone(doc) as JsonObject);
  return mergeMap(original, patch, meta);
}
