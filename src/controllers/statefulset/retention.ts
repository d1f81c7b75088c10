/**
 * persistentVolumeClaimRetentionPolicy: which owner references a StatefulSet's claims
 * carry so that the garbage collector deletes them at the right time. Retain (the
 * default for both) leaves claims unowned; whenDeleted=Delete makes the set own the
 * claims of the pods it still wants; whenScaled=Delete makes each scaled-down pod own its
 * claims. A claim controlled by something else, or pointing at an older set or pod of the
 * same name, is left alone. Pure.
 */
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { canonicalJSON } from '../framework/hash.js';
import type { Pod } from '../framework/pods.js';
import { inOrdinalRange } from './identity.js';

export function retentionPolicy(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? 'Retain', whenScaled: p?.whenScaled ?? 'Retain' };
}

function refTo(
  obj: { metadata?: { name?: string; uid?: string } },
  apiVersion: string,
  kind: string,
): OwnerReference {
  return {
    apiVersion,
    kind,
    name: obj.metadata?.name ?? '',
    uid: obj.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

function isRefTo(
  ref: OwnerReference,
  obj: { metadata?: { name?: string } },
  apiVersion: string,
  kind: string,
) {
  return ref.apiVersion === apiVersion && ref.kind === kind && ref.name === obj.metadata?.name;
}

/**
 * The owner references `claim` should have under the set's policy, or undefined when its
 * references are fine as they are (or must not be touched). `pod` must exist (have a UID)
 * for a pod reference to be added.
 */
export function claimOwnerRefs(
  claim: PersistentVolumeClaim,
  set: StatefulSet,
  pod: Pod,
): OwnerReference[] | undefined {
  const refs = claim.metadata?.ownerReferences ?? [];
  const setUid = set.metadata?.uid;
  const podUid = pod.metadata?.uid;
  const ours = (r: OwnerReference) =>
    isRefTo(r, set, 'apps/v1', 'StatefulSet') || isRefTo(r, pod, 'v1', 'Pod');
  // A reference to an earlier set or pod of the same name: leave the claim to the garbage collector.
  if (refs.some((r) => ours(r) && r.uid !== setUid && r.uid !== podUid)) return undefined;
  const policy = retentionPolicy(set);
  const others = refs.filter((r) => !ours(r));
  if (others.some((r) => r.controller === true)) {
    // Another controller manages the claim; only take our own references away.
    return others.length === refs.length ? undefined : others;
  }
  const scaledDown = !inOrdinalRange(pod, set);
  const want = [...others];
  if (policy.whenDeleted === 'Delete' && !(policy.whenScaled === 'Delete' && scaledDown))
    want.push(refTo(set, 'apps/v1', 'StatefulSet'));
  if (policy.whenScaled === 'Delete' && scaledDown && podUid) want.push(refTo(pod, 'v1', 'Pod'));
  const key = (l: OwnerReference[]) => canonicalJSON([...l].sort((a, b) => (a.uid < b.uid ? -1 : 1)));
  return key(want) === key(refs) ? undefined : want;
}
