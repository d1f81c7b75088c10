/**
 * `metadata.managedFields` in and out: entries decoded into field sets keyed by manager
 * identity, and encoded back in the API server's order (Apply before Update, then by time,
 * manager, apiVersion, subresource). A manager's identity is its name, operation and
 * subresource, plus the apiVersion for Update entries (an applier keeps its identity across
 * versions); the identity is the JSON the API server uses, which conflict messages decode.
 *
 * Pure. Decoding throws ManagedFieldsError on malformed entries.
 */
import { decodeFieldsV1, encodeFieldsV1 } from './fieldsv1.js';
import { goJson, isObject, type JsonObject } from './json.js';
import type { FieldSet } from './set.js';

export type Operation = 'Apply' | 'Update';

/** One entry of `metadata.managedFields`, as stored. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: JsonObject;
  subresource?: string;
}

export interface Manager {
  manager: string;
  operation: Operation;
  /** Version the set is expressed in. */
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Managers by identity. */
export type Managers = Map<string, Manager>;

export class ManagedFieldsError extends Error {
  override name = 'ManagedFieldsError';
}

/** The identity of a manager, as the API server builds it. */
export function managerId(m: {
  manager?: string;
  operation: Operation;
  apiVersion?: string;
  subresource?: string;
}): string {
  const parts: string[] = [];
  if (m.manager) parts.push(`"manager":${goJson(m.manager)}`);
  parts.push(`"operation":${goJson(m.operation)}`);
  if (m.operation === 'Update' && m.apiVersion) parts.push(`"apiVersion":${goJson(m.apiVersion)}`);
  if (m.subresource) parts.push(`"subresource":${goJson(m.subresource)}`);
  return `{${parts.join(',')}}`;
}

export function decodeManagedFields(entries: unknown): Managers {
  const out: Managers = new Map();
  if (entries === undefined || entries === null) return out;
  if (!Array.isArray(entries)) throw new ManagedFieldsError('managedFields must be a list');
  entries.forEach((e: unknown, i) => {
    if (!isObject(e)) throw new ManagedFieldsError(`managed fields entry ${i} must be an object`);
    const op = e['operation'];
    if (op !== 'Apply' && op !== 'Update')
      throw new ManagedFieldsError('operation must be `Apply` or `Update`');
    const apiVersion = e['apiVersion'];
    if (typeof apiVersion !== 'string' || apiVersion === '') {
      throw new ManagedFieldsError('apiVersion must not be empty');
    }
    const ft = e['fieldsType'];
    if (ft === undefined || ft === '')
      throw new ManagedFieldsError(`missing fieldsType in managed fields entry ${i}`);
    if (ft !== 'FieldsV1')
      throw new ManagedFieldsError(`invalid fieldsType "${String(ft)}" in managed fields entry ${i}`);
    const manager = typeof e['manager'] === 'string' ? e['manager'] : '';
    const subresource =
      typeof e['subresource'] === 'string' && e['subresource'] ? e['subresource'] : undefined;
    const time = typeof e['time'] === 'string' ? e['time'] : undefined;
    let set: FieldSet;
    try {
      set = decodeFieldsV1(e['fieldsV1'] ?? {});
    } catch (err) {
      throw new ManagedFieldsError(`error decoding set: ${(err as Error).message}`);
    }
    const m: Manager = { manager, operation: op, apiVersion, set };
    if (subresource) m.subresource = subresource;
    if (time) m.time = time;
    out.set(managerId(m), m);
  });
  return out;
}

function seconds(t: string | undefined): number {
  if (!t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

function order(a: ManagedFieldsEntry, b: ManagedFieldsEntry): number {
  const by = (x: string | undefined, y: string | undefined) =>
    (x ?? '') < (y ?? '') ? -1 : (x ?? '') > (y ?? '') ? 1 : 0;
  return (
    by(a.operation, b.operation) ||
    seconds(a.time) - seconds(b.time) ||
    by(a.manager, b.manager) ||
    by(a.apiVersion, b.apiVersion) ||
    by(a.subresource, b.subresource)
  );
}

/** Entries in the API server's order (a new array). */
export function sortManagedFields(entries: readonly ManagedFieldsEntry[]): ManagedFieldsEntry[] {
  return [...entries].sort(order);
}

/** The entries of a manager map, sorted; undefined when there are none. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] | undefined {
  if (managers.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const m of managers.values()) {
    const e: ManagedFieldsEntry = {};
    if (m.manager) e.manager = m.manager;
    e.operation = m.operation;
    e.apiVersion = m.apiVersion;
    if (m.time) e.time = m.time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = encodeFieldsV1(m.set);
    if (m.subresource) e.subresource = m.subresource;
    entries.push(e);
  }
  return entries.sort(order);
}
