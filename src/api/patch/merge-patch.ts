/**
 * RFC 7386 JSON merge patch, as the API server applies `application/merge-patch+json` bodies
 * (and as it patches custom resources): objects merge key by key, `null` deletes a key, any
 * other value (lists included) replaces what was there, and a patch that is not an object
 * replaces the whole document. Pure; the inputs are never mutated and the result shares
 * nothing with them. A merge patch cannot be malformed, so nothing here throws.
 */
import { deepClone, deleteKey, getKey, isObject, type Json, setKey } from './json.js';

/** Merges `patch` into `target`, which the caller owns and which may be changed in place. */
function mergeOwned(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return deepClone(patch);
  const out = isObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key]!;
    if (value === null) deleteKey(out, key);
    else setKey(out, key, mergeOwned(getKey(out, key), value));
  }
  return out;
}

export function applyMergePatch(doc: Json, patch: Json): Json {
  return mergeOwned(deepClone(doc), patch);
}
