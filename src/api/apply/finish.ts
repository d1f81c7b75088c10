/**
 * The last steps of every managedFields computation: identity metadata taken out of the
 * owned sets, the number of updater entries capped (the oldest folded into
 * `ancient-changes`, as upstream keeps at most ten), explicit nulls dropped from applied
 * objects, and the entries encoded onto the object.
 *
 * Pure; returns new values.
 */

import type { Applied } from './apply.js';
import { isObject, type Json, type JsonObject, setKey } from './json.js';
import {
  encodeManagedFields,
  type ManagedFieldsEntry,
  type Manager,
  type Managers,
  managerId,
} from './managers.js';
import { fieldElement } from './path.js';
import { FieldSet } from './set.js';

const f = fieldElement;

/** Fields nobody owns: identity and system metadata, apiVersion and kind. */
/** Metadata fields no manager owns (besides managedFields itself). */
export const UNOWNED_METADATA: ReadonlySet<string> = new Set([
  'name',
  'namespace',
  'creationTimestamp',
  'selfLink',
  'uid',
  'clusterName',
  'generation',
  'resourceVersion',
]);

const STRIPPED = FieldSet.of(
  [f('apiVersion')],
  [f('kind')],
  [f('metadata')],
  ...[...UNOWNED_METADATA, 'managedFields'].map((n) => [f('metadata'), f(n)]),
);

export function stripMeta(set: FieldSet): FieldSet {
  return set.difference(STRIPPED);
}

export function withoutManagedFields(obj: JsonObject): JsonObject {
  const meta = obj['metadata'];
  if (!isObject(meta) || !Object.hasOwn(meta, 'managedFields')) return obj;
  const { managedFields: _, ...rest } = meta;
  return { ...obj, metadata: rest };
}

/** The value without map entries whose value is null (at any depth). */
export function stripNulls<T extends Json>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => stripNulls(x)) as T;
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (x !== null) setKey(out, k, stripNulls(x));
  return out as T;
}

const MAX_UPDATE_MANAGERS = 10;

function seconds(t: string | undefined): number {
  const ms = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** At most ten Update entries: the oldest are merged, per apiVersion, into `ancient-changes`. */
export function capUpdateManagers(managers: Managers): Managers {
  const updaters = [...managers].filter(([, m]) => m.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return managers;
  updaters.sort(([ia, a], [ib, b]) => seconds(a.time) - seconds(b.time) || (ia < ib ? -1 : ia > ib ? 1 : 0));
  const out = new Map(managers);
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (const [id, m] of updaters) {
    if (length <= MAX_UPDATE_MANAGERS) break;
    const bucketId = managerId({ manager: 'ancient-changes', operation: 'Update', apiVersion: m.apiVersion });
    const first = firstOfVersion.get(m.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(m.apiVersion, id);
      continue;
    }
    if (!out.has(bucketId)) {
      const s = out.get(first)!;
      out.delete(first);
      out.set(bucketId, { ...s, manager: 'ancient-changes', operation: 'Update' });
    }
    const bucket = out.get(bucketId)!;
    const merged: Manager = { ...bucket, set: m.set.union(bucket.set) };
    if (m.time) merged.time = m.time;
    else delete merged.time;
    delete merged.subresource;
    out.set(bucketId, merged);
    out.delete(id);
    length--;
  }
  return out;
}

/** The object with its managedFields set (or removed when there are none). */
export function encodeResult(object: JsonObject, managers: Managers, changed: boolean): Applied {
  return withEntries(object, encodeManagedFields(managers), changed);
}

/** The object with these managedFields entries set (or removed when there are none). */
export function withEntries(
  object: JsonObject,
  managedFields: ManagedFieldsEntry[] | undefined,
  changed: boolean,
): Applied {
  const meta = isObject(object['metadata']) ? { ...object['metadata'] } : {};
  if (managedFields) setKey(meta, 'managedFields', managedFields as unknown as Json);
  else delete meta['managedFields'];
  return { object: { ...object, metadata: meta }, managedFields, changed };
}
