/**
 * The ownership algorithm of server-side apply, on plain values and manager maps:
 *
 * - `updateOwnership`: a change from `old` to `new` by one manager takes the changed fields
 *   away from every other manager (or reports them as conflicts when not forced), and drops
 *   removed fields from everyone's sets;
 * - `recordUpdate`: an ordinary write; the writer comes to own what it added or modified;
 * - `applyConfig`: an apply; the configuration is merged in, the applier owns exactly the
 *   configuration's fields, and what it owned before but no longer applies is pruned unless
 *   another manager owns it.
 *
 * Pure; inputs are never mutated. Times, metadata stripping and the managedFields encoding are
 * the caller's (apply.ts).
 */
import { type Comparison, compareValues, filterComparison } from './compare.js';
import type { Conflict } from './conflict.js';
import { isObject, type Json, type JsonObject, jsonEqual, setKey } from './json.js';
import type { Manager, Managers } from './managers.js';
import { mergeValues } from './merge.js';
import { removeItems } from './remove.js';
import type { TypeDef } from './schema.js';
import { FieldSet } from './set.js';
import { ensureNamedFieldsAreMembers, fieldSetOf } from './typed.js';

export interface UpdaterContext {
  type: TypeDef;
  /** Paths no operation here owns or conflicts on, with everything below them. */
  ignore: FieldSet;
  /** The empty object of the kind (shared, read only); objects are compared laid over it. */
  skeleton: JsonObject;
}

/** `obj` with the nodes of `skeleton` it lacks filled in. */
function overSkeleton(obj: Json, skeleton: Json): Json {
  if (!isObject(obj) || !isObject(skeleton)) return obj;
  const out: JsonObject = { ...obj };
  for (const [k, v] of Object.entries(skeleton)) {
    if (obj[k] === undefined) setKey(out, k, structuredClone(v));
    else setKey(out, k, overSkeleton(obj[k]!, v));
  }
  return out;
}

export function compareObjects(ctx: UpdaterContext, oldObj: Json, newObj: Json): Comparison {
  const c = compareValues(overSkeleton(oldObj, ctx.skeleton), overSkeleton(newObj, ctx.skeleton), ctx.type);
  return filterComparison(c, ctx.ignore);
}

export type OwnershipResult = { managers: Managers; comparison: Comparison } | { conflicts: Conflict[] };

export function updateOwnership(
  ctx: UpdaterContext,
  oldObj: Json,
  newObj: Json,
  managers: Managers,
  workflow: string,
  force: boolean,
): OwnershipResult {
  const cmp = compareObjects(ctx, oldObj, newObj);
  const changed = cmp.modified.union(cmp.added);
  const conflicts = new Map<string, FieldSet>();
  for (const [id, m] of managers) {
    if (id === workflow) continue;
    const c = m.set.intersection(changed);
    if (!c.isEmpty()) conflicts.set(id, c);
  }
  if (!force && conflicts.size > 0) {
    const list: Conflict[] = [];
    for (const id of [...conflicts.keys()].sort()) {
      for (const path of conflicts.get(id)!.paths()) list.push({ manager: id, path });
    }
    return { conflicts: list };
  }
  const out: Managers = new Map();
  for (const [id, m] of managers) {
    let set = m.set;
    if (id !== workflow) {
      const c = conflicts.get(id);
      if (c) set = set.difference(c);
      if (!cmp.removed.isEmpty()) {
        const gone = set.intersection(cmp.removed);
        if (!gone.isEmpty()) set = set.difference(gone);
      }
    }
    if (!set.isEmpty()) out.set(id, set === m.set ? m : { ...m, set });
  }
  return { managers: out, comparison: cmp };
}

/**
 * Ownership after an ordinary write: `changedBy` is what the writer changed (already
 * without ignored paths), to be merged into its entry by the caller.
 */
export function recordUpdate(
  ctx: UpdaterContext,
  oldObj: Json,
  newObj: Json,
  managers: Managers,
): { managers: Managers; changedBy: FieldSet } {
  const r = updateOwnership(ctx, oldObj, newObj, managers, '', true);
  if ('conflicts' in r) throw new Error('forced update reported conflicts');
  const c = r.comparison;
  return { managers: r.managers, changedBy: c.modified.union(c.added).recursiveDifference(ctx.ignore) };
}

export type ApplyConfigResult =
  | { object: Json; managers: Managers; changed: boolean }
  | { conflicts: Conflict[] };

export function applyConfig(
  ctx: UpdaterContext,
  live: Json,
  config: Json,
  managers: Managers,
  id: string,
  applier: Omit<Manager, 'set'>,
  force: boolean,
): ApplyConfigResult {
  const merged = mergeValues(live, config, ctx.type) ?? {};
  const last = managers.get(id)?.set;
  const owned: Managers = new Map(managers);
  owned.set(id, { ...applier, set: fieldSetOf(config, ctx.type).recursiveDifference(ctx.ignore) });
  const object = prune(ctx.type, merged, owned, last);
  const r = updateOwnership(ctx, live, object, owned, id, force);
  if ('conflicts' in r) return r;
  return { object, managers: r.managers, changed: !jsonEqual(live, object) };
}

/**
 * Removes what the applier owned last time and no longer applies, unless someone (the
 * applier included, through its new set) still owns it; items that were never the
 * applier's are left alone even when they sat below a pruned field.
 */
function prune(type: TypeDef, merged: Json, managers: Managers, last: FieldSet | undefined): Json {
  if (!last || last.isEmpty()) return merged;
  const named = (s: FieldSet) => ensureNamedFieldsAreMembers(s, type);
  const lastN = named(last);
  const pruned = removeItems(merged, lastN, type) ?? {};
  let ownedSet = new FieldSet();
  for (const m of managers.values()) ownedSet = ownedSet.union(m.set);
  const mergedSet = named(fieldSetOf(merged, type));
  const keptBack = removeItems(
    merged,
    mergedSet.difference(named(fieldSetOf(pruned, type)).union(named(ownedSet))),
    type,
  );
  const keptSet = named(fieldSetOf(keptBack ?? {}, type));
  return removeItems(merged, mergedSet.difference(keptSet).intersection(lastN), type) ?? {};
}
