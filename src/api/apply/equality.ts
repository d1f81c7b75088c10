/**
 * Whether two versions of an object differ only in the times of their managedFields
 * entries. Such a write is a no-op: the API server keeps the stored object rather than
 * bump its resourceVersion for a timestamp.
 *
 * Pure.
 */
import { isObject, type Json, jsonEqual } from './json.js';

function withoutTimes(obj: unknown): Json | undefined {
  if (!isObject(obj)) return obj as Json | undefined;
  const meta = obj['metadata'];
  if (!isObject(meta) || !Array.isArray(meta['managedFields'])) return obj;
  const managedFields = meta['managedFields'].map((e) => {
    if (!isObject(e)) return e;
    const { time: _, ...rest } = e;
    return rest;
  });
  return { ...obj, metadata: { ...meta, managedFields } };
}

export function sameExceptManagedFieldsTimes(a: unknown, b: unknown): boolean {
  return jsonEqual(withoutTimes(a), withoutTimes(b));
}
