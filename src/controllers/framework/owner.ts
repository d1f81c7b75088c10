/**
 * Owner references for controllers: the controller reference of an object, a new one
 * pointing at an owner, and a cache index of objects by their controller's UID (orphans
 * are indexed per namespace) that every controller can share on a shared informer.
 * Pure.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KObject } from '../../registry/types.js';

/** The name of the shared index; any controller may add it to a shared informer. */
export const CONTROLLER_INDEX = 'controllerUID';

/** The reference with `controller: true`, if any. */
export function controllerRefOf(obj: KObject): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller === true);
}

/** A controller reference to `owner` (which must have a UID), as controllers set it. */
export function newControllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  const m = owner.metadata ?? {};
  return {
    apiVersion,
    kind,
    name: m.name ?? '',
    uid: m.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The index value of orphans of a namespace (no controller reference). */
export function orphanIndexValue(namespace: string): string {
  return `orphan/${namespace}`;
}

/** Index function: the controller's UID, or the namespace's orphan value. */
export function controllerIndex(obj: KObject): string[] {
  const ref = controllerRefOf(obj);
  return [ref?.uid ? ref.uid : orphanIndexValue(obj.metadata?.namespace ?? '')];
}

/** The apiVersion's group: `apps` of `apps/v1`, `` of `v1`. */
export function groupOf(apiVersion: string | undefined): string {
  const s = apiVersion ?? '';
  const i = s.indexOf('/');
  return i < 0 ? '' : s.slice(0, i);
}

/**
 * Whether `ref` names an object of this kind and group (the version may differ, as
 * upstream allows).
 */
export function refersTo(ref: OwnerReference, group: string, kind: string): boolean {
  return ref.kind === kind && groupOf(ref.apiVersion) === group;
}
