/**
 * The common case of an ordinary write, answered without decoding any field set: a writer
 * that changes only scalar values it alone already owns (a node renewing its Lease's
 * renewTime, a controller bumping a counter). Ownership then stays as it is and only the
 * writer's entry gets the new time, which is what the full computation yields too.
 *
 * `fastUpdateEntries` returns undefined whenever it cannot be sure: the two objects differ
 * in shape (a key added or removed, a list changed, a type changed), too many values changed,
 * a changed value lies under the ignored top-level field, is not a member of the writer's
 * set, or is anywhere in another manager's set, or the stored entries look unusual. The
 * caller then takes the full path. Pure; inputs are never mutated.
 */

import { UNOWNED_METADATA } from './finish.js';
import { isObject, type Json, type JsonObject, jsonEqual } from './json.js';
import { type ManagedFieldsEntry, sortManagedFields } from './managers.js';

/** More changed values than this: let the full computation decide. */
const MAX_CHANGED = 16;

export interface FastUpdate {
  /** The writer's identity, as its entry carries it ('unknown' for a nameless writer). */
  manager: string;
  apiVersion: string;
  subresource?: string;
  /** The top-level field this write does not own (`status`, or `spec` on the status subresource). */
  ignored: string;
  now: string;
}

/**
 * Collects the paths of scalar values that differ between `a` and `b` into `out`; false when
 * they differ in anything but scalar values (or in too many).
 */
function scalarChanges(a: Json | undefined, b: Json | undefined, path: string[], out: string[][]): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && jsonEqual(a, b);
  const ao = isObject(a);
  const bo = isObject(b);
  if (ao || bo) {
    if (!ao || !bo) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const k of keys) {
      if (!Object.hasOwn(b, k)) return false;
      if (!scalarChanges(a[k], b[k], [...path, k], out)) return false;
    }
    return true;
  }
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (out.length >= MAX_CHANGED) return false;
  out.push(path);
  return true;
}

/** The node of `fieldsV1` at a path of field names, if any. */
function nodeAt(fieldsV1: JsonObject, path: readonly string[]): JsonObject | undefined {
  let node: Json | undefined = fieldsV1;
  for (const name of path) {
    if (!isObject(node)) return undefined;
    node = node[`f:${name}`];
  }
  return isObject(node) ? node : undefined;
}

/** Whether the path is a member of the set (a leaf, or a node marked with "."). */
function isMember(fieldsV1: JsonObject, path: readonly string[]): boolean {
  const node = nodeAt(fieldsV1, path);
  return node !== undefined && (Object.keys(node).length === 0 || Object.hasOwn(node, '.'));
}

/**
 * The managedFields after `old` becomes `updated` by the writer, when the shortcut applies;
 * both objects come without managedFields, and `entries` are the ones the full computation
 * would start from (the stored ones).
 */
export function fastUpdateEntries(
  old: JsonObject,
  updated: JsonObject,
  entries: readonly unknown[],
  w: FastUpdate,
): ManagedFieldsEntry[] | undefined {
  const changed: string[][] = [];
  if (!scalarChanges(old, updated, [], changed)) return undefined;
  const owned = changed.filter(
    (p) =>
      !(p.length === 1 && (p[0] === 'apiVersion' || p[0] === 'kind')) &&
      !(p.length === 2 && p[0] === 'metadata' && UNOWNED_METADATA.has(p[1]!)),
  );
  if (owned.some((p) => p[0] === w.ignored)) return undefined;
  let mine = -1;
  let updaters = 0;
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i];
    if (!isObject(e) || e['fieldsType'] !== 'FieldsV1' || !isObject(e['fieldsV1'])) return undefined;
    const op = e['operation'];
    if (op !== 'Update' && op !== 'Apply') return undefined;
    // Past ten Update entries the full path folds the oldest together.
    if (op === 'Update' && ++updaters > 10) return undefined;
    const sub = typeof e['subresource'] === 'string' && e['subresource'] ? e['subresource'] : undefined;
    const name = typeof e['manager'] === 'string' ? e['manager'] : '';
    const isWriter =
      op === 'Update' && name === w.manager && e['apiVersion'] === w.apiVersion && sub === w.subresource;
    if (isWriter) {
      if (mine >= 0) return undefined;
      mine = i;
      if (!owned.every((p) => isMember(e['fieldsV1'] as JsonObject, p))) return undefined;
    } else if (owned.some((p) => nodeAt(e['fieldsV1'] as JsonObject, p) !== undefined)) {
      return undefined;
    }
  }
  if (mine < 0 && owned.length > 0) return undefined;
  const out = entries.map((e) => e as ManagedFieldsEntry);
  if (owned.length === 0) return sortManagedFields(out);
  const e = out[mine]!;
  // Rebuilt in the encoder's key order, with the new time.
  const renewed: ManagedFieldsEntry = {};
  if (e.manager) renewed.manager = e.manager;
  renewed.operation = e.operation;
  renewed.apiVersion = e.apiVersion;
  renewed.time = w.now;
  renewed.fieldsType = 'FieldsV1';
  if (e.fieldsV1) renewed.fieldsV1 = e.fieldsV1;
  if (e.subresource) renewed.subresource = e.subresource;
  out[mine] = renewed;
  return sortManagedFields(out);
}
