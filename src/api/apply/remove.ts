/**
 * Removes the items of a field set from a value: a member path removes the whole field or
 * list item, a path with descendants is descended into. A map or list left empty becomes
 * `null`, as in the API server (its owner-less remains are dropped later).
 *
 * Pure; returns a new value and never mutates its input.
 */
import { isObject, type Json, type JsonObject, setKey } from './json.js';
import { fieldElement } from './path.js';
import { ATOMIC_UNTYPED, atomOf, fieldType, type TypeDef } from './schema.js';
import type { FieldSet } from './set.js';
import { itemElementOrUndefined } from './typed.js';

export function removeItems(value: Json, set: FieldSet, type: TypeDef): Json {
  const a = atomOf(type, value);
  if (a.kind === 'scalar') return value;
  if (a.kind === 'list') {
    if (!Array.isArray(value) || a.listType === 'atomic') return value;
    if (value.length === 0) return null;
    const out: Json[] = [];
    for (const item of value) {
      const pe = itemElementOrUndefined(a, item);
      if (!pe) {
        out.push(item);
        continue;
      }
      if (set.hasMember(pe)) continue;
      const sub = set.withPrefix(pe);
      out.push(sub.isEmpty() ? item : removeItems(item, sub, a.elem));
    }
    return out.length > 0 ? out : null;
  }
  if (!isObject(value) || a.atomic) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) {
    const pe = fieldElement(k);
    if (set.hasMember(pe)) continue;
    const sub = set.withPrefix(pe);
    setKey(out, k, sub.isEmpty() ? v : removeItems(v, sub, fieldType(a, k) ?? ATOMIC_UNTYPED));
  }
  return Object.keys(out).length > 0 ? out : null;
}
