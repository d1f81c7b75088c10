/**
 * Pod events routed to the workload that owns the pod, or would adopt it, as the
 * ReplicaSet, DaemonSet and StatefulSet controllers route them: a pod with a controller
 * reference wakes its owner (and counts as an observed creation for its expectations);
 * an orphan wakes every owner whose selector takes it; a change of controller reference
 * wakes the previous owner too, and a change of labels wakes the candidates; a deletion,
 * or a deletionTimestamp, counts as an observed deletion. A pod that just became ready
 * can ask its owner to look again once minReadySeconds have passed. Handlers only enqueue.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { Handler } from '../../client/informer.js';
import type { KObject } from '../../registry/types.js';
import type { Expectations } from './expectations.js';
import { controllerRefOf } from './owner.js';
import { asPod, type Pod, podKey } from './pods.js';

export interface PodRouting {
  /** The live owner a controller reference names (same uid), if it is of this controller's kind. */
  resolve(namespace: string, ref: OwnerReference | undefined): KObject | undefined;
  /** The owners whose selector takes this orphan. */
  selecting(pod: Pod): KObject[];
  enqueue(owner: KObject | string): void;
  expectations: Expectations;
  /** The expectation key deletions are observed under, from the owner's `namespace/name`. */
  deletionKey(ownerKey: string): string;
  /**
   * A pod that just turned ready becomes available after the owner's minReadySeconds: with
   * these, the owner looks again then. `isReady` is the owner kind's notion of ready.
   */
  availability?: { minReadySeconds(owner: KObject): number; isReady(pod: Pod): boolean };
  addAfter(key: string, ms: number): void;
}

function ownerKey(o: KObject): string {
  return `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

function sameLabels(a: Pod, b: Pod): boolean {
  return JSON.stringify(a.metadata?.labels ?? {}) === JSON.stringify(b.metadata?.labels ?? {});
}

/** Informer handlers for the pods informer of a workload controller. */
export function ownedPodHandlers(r: PodRouting): Handler {
  const deleted = (pod: Pod): void => {
    const owner = r.resolve(pod.metadata?.namespace ?? '', controllerRefOf(pod as KObject));
    if (!owner) return;
    const key = ownerKey(owner);
    r.expectations.deletionObserved(r.deletionKey(key), podKey(pod));
    r.enqueue(key);
  };
  const added = (pod: Pod): void => {
    // Seen for the first time already terminating (after a restart): not a creation.
    if (pod.metadata?.deletionTimestamp) return deleted(pod);
    const ref = controllerRefOf(pod as KObject);
    if (ref) {
      const owner = r.resolve(pod.metadata?.namespace ?? '', ref);
      if (!owner) return;
      r.expectations.creationObserved(ownerKey(owner));
      r.enqueue(owner);
      return;
    }
    for (const o of r.selecting(pod)) r.enqueue(o);
  };
  const updated = (old: Pod, cur: Pod): void => {
    if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
    const labelsChanged = !sameLabels(old, cur);
    if (cur.metadata?.deletionTimestamp) {
      deleted(cur);
      if (labelsChanged) deleted(old);
      return;
    }
    const ns = cur.metadata?.namespace ?? '';
    const curRef = controllerRefOf(cur as KObject);
    const oldRef = controllerRefOf(old as KObject);
    const refChanged = curRef?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const prev = r.resolve(ns, oldRef);
      if (prev) r.enqueue(prev);
    }
    if (curRef) {
      const owner = r.resolve(ns, curRef);
      if (!owner) return;
      r.enqueue(owner);
      const a = r.availability;
      const minReady = a?.minReadySeconds(owner) ?? 0;
      if (a && minReady > 0 && !a.isReady(old) && a.isReady(cur))
        r.addAfter(ownerKey(owner), minReady * 1000 + 1);
      return;
    }
    if (labelsChanged || refChanged) for (const o of r.selecting(cur)) r.enqueue(o);
  };
  return {
    onAdd: (p) => added(asPod(p)),
    onUpdate: (a, b) => updated(asPod(a), asPod(b)),
    onDelete: (p) => deleted(asPod(p)),
  };
}
