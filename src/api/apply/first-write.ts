/**
 * Memoised managedFields of a write to an object nobody manages yet (every create): the
 * writer's entry depends only on the object's shape under its type, not on its scalar
 * values, so the entry computed for one ConfigMap serves every ConfigMap with the same keys.
 *
 * The shape key keeps everything the comparison against the kind's skeleton reads: object
 * keys in order, which members are maps, lists, null or scalars, and lists in full (their
 * items' keys and set members decide the paths). Scalars in maps compare unequal to the
 * skeleton's `{}` and `null` leaves whatever they hold, so only their kind is kept.
 *
 * Pure apart from the bounded cache; entries handed out are fresh copies.
 */
import { isObject, type Json, type JsonObject } from './json.js';
import type { ManagedFieldsEntry } from './managers.js';
import type { TypeDef } from './schema.js';

/** Distinct shapes kept per type before the cache starts over. */
const MAX_SHAPES = 512;

/** Per apply type: shape key -> the entries as JSON ('' for none). */
const memo = new WeakMap<TypeDef, Map<string, string>>();

/** Appends the shape of `v` to `out`; lists (where values matter) are written in full. */
function shapeOf(v: Json | undefined, out: string[]): void {
  if (v === undefined) out.push('u');
  else if (v === null) out.push('z');
  else if (Array.isArray(v)) {
    out.push('[');
    for (const x of v) fullValue(x, out);
    out.push(']');
  } else if (typeof v === 'object') {
    out.push('{');
    for (const k of Object.keys(v)) {
      out.push(JSON.stringify(k));
      shapeOf(v[k], out);
    }
    out.push('}');
  } else out.push(typeof v === 'string' ? 's' : typeof v === 'number' ? 'n' : 'b');
}

/** Appends `v` itself, with undefined kept apart from null. */
function fullValue(v: Json | undefined, out: string[]): void {
  if (v === undefined) out.push('u,');
  else if (Array.isArray(v)) {
    out.push('[');
    for (const x of v) fullValue(x, out);
    out.push('],');
  } else if (isObject(v)) {
    out.push('{');
    for (const k of Object.keys(v)) {
      out.push(JSON.stringify(k));
      fullValue(v[k], out);
    }
    out.push('},');
  } else out.push(`${JSON.stringify(v)},`);
}

/**
 * The managedFields of the first write to `obj` by one writer, from the cache when an object
 * of the same shape was written before, else from `compute` (whose entries must carry
 * `now` as their time). `identity` names everything else the entries depend on (manager,
 * apiVersion, subresource).
 */
export function firstWriteEntries(
  type: TypeDef,
  identity: string,
  obj: JsonObject,
  now: string,
  compute: () => ManagedFieldsEntry[] | undefined,
): ManagedFieldsEntry[] | undefined {
  const parts = [identity, '|', String(obj['apiVersion']), '|', String(obj['kind']), '|'];
  shapeOf(obj, parts);
  const key = parts.join('');
  let shapes = memo.get(type);
  if (!shapes) {
    shapes = new Map();
    memo.set(type, shapes);
  }
  const hit = shapes.get(key);
  if (hit !== undefined) {
    if (hit === '') return undefined;
    const entries = JSON.parse(hit) as ManagedFieldsEntry[];
    for (const e of entries) e.time = now;
    return entries;
  }
  const entries = compute();
  if (shapes.size >= MAX_SHAPES) shapes.clear();
  shapes.set(key, entries ? JSON.stringify(entries) : '');
  return entries;
}
