/**
 * The garbage collector's decisions, as pure functions of what the owner graph shows:
 * how each owner reference of an object stands (solid: the owner lives; dangling: gone,
 * or the name now belongs to another UID; waiting: the owner is being deleted in the
 * foreground and waits for its dependents), what to do with a dependent given those
 * states, and which dependents block a foreground deletion. No I/O.
 */
import type { KObject } from '../../registry/types.js';

export interface OwnerRef {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export const ORPHAN = 'orphan';
export const FOREGROUND = 'foregroundDeletion';

export type OwnerState = 'solid' | 'dangling' | 'waiting';

export type Propagation = 'Background' | 'Foreground' | 'Orphan';

export type DependentAction =
  | { type: 'none' }
  /** Keep the object but drop these references (to owners gone or waiting on it). */
  | { type: 'removeRefs'; uids: string[] }
  | { type: 'delete'; policy: Propagation };

export function ownerRefs(obj: KObject): OwnerRef[] {
  const refs = obj.metadata?.ownerReferences;
  return Array.isArray(refs) ? (refs as OwnerRef[]) : [];
}

export function hasFinalizer(obj: KObject, f: string): boolean {
  return (obj.metadata?.finalizers ?? []).includes(f);
}

/** Deleting in the foreground: marked for deletion and holding the foregroundDeletion finalizer. */
export function isDeletingDependents(obj: KObject): boolean {
  return !!obj.metadata?.deletionTimestamp && hasFinalizer(obj, FOREGROUND);
}

/** How a reference stands, given the live object found under the owner's name (if any). */
export function ownerState(ref: OwnerRef, owner: KObject | undefined): OwnerState {
  if (!owner || owner.metadata?.uid !== ref.uid) return 'dangling';
  return isDeletingDependents(owner) ? 'waiting' : 'solid';
}

/**
 * What to do with an object that has owner references, from each reference's state (by
 * owner UID; a reference with no state is treated as solid) and whether the object has
 * dependents of its own:
 * - some owner is solid: keep it, dropping references to owners gone or waiting on it;
 * - an owner waits and the object has dependents: delete it in the foreground too;
 * - otherwise every owner is gone: delete it, keeping a propagation it already asked for.
 */
export function decideDependent(
  obj: KObject,
  states: ReadonlyMap<string, OwnerState>,
  hasDependents: boolean,
): DependentAction {
  const refs = ownerRefs(obj);
  if (refs.length === 0) return { type: 'none' };
  const solid: string[] = [];
  const dangling: string[] = [];
  const waiting: string[] = [];
  for (const r of refs) {
    const s = states.get(r.uid) ?? 'solid';
    (s === 'solid' ? solid : s === 'dangling' ? dangling : waiting).push(r.uid);
  }
  if (solid.length > 0) {
    const drop = [...dangling, ...waiting];
    return drop.length === 0 ? { type: 'none' } : { type: 'removeRefs', uids: drop };
  }
  if (waiting.length > 0 && hasDependents) return { type: 'delete', policy: 'Foreground' };
  if (hasFinalizer(obj, ORPHAN)) return { type: 'delete', policy: 'Orphan' };
  if (hasFinalizer(obj, FOREGROUND)) return { type: 'delete', policy: 'Foreground' };
  return { type: 'delete', policy: 'Background' };
}

/** The dependents whose reference to `ownerUid` blocks the owner's foreground deletion. */
export function blockingDependents(ownerUid: string, dependents: KObject[]): KObject[] {
  return dependents.filter((d) =>
    ownerRefs(d).some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true),
  );
}

/** The owner references of `obj` without those to `uids`. */
export function withoutRefs(obj: KObject, uids: readonly string[]): OwnerRef[] {
  return ownerRefs(obj).filter((r) => !uids.includes(r.uid));
}

/** The finalizers of `obj` without `f`. */
export function withoutFinalizer(obj: KObject, f: string): string[] {
  return (obj.metadata?.finalizers ?? []).filter((x) => x !== f);
}

/**
 * Whether a change from `old` to `obj` matters to its dependents (it started or stopped
 * being deleted, or its finalizers changed) or to its owners (references changed).
 */
export function changeAffects(old: KObject, obj: KObject): { dependents: boolean; owners: string[] } {
  const dependents =
    !!old.metadata?.deletionTimestamp !== !!obj.metadata?.deletionTimestamp ||
    (old.metadata?.finalizers ?? []).join(',') !== (obj.metadata?.finalizers ?? []).join(',') ||
    old.metadata?.uid !== obj.metadata?.uid;
  const now = new Map(ownerRefs(obj).map((r) => [r.uid, r]));
  const owners: string[] = [];
  for (const r of ownerRefs(old)) {
    const n = now.get(r.uid);
    if (!n || !!n.blockOwnerDeletion !== !!r.blockOwnerDeletion) owners.push(r.uid);
  }
  return { dependents, owners };
}
