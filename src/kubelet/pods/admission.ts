/**
 * The kubelet's pod admission, as upstream's canAdmitPod: before a pod's first sync its
 * admit handlers run in order, each seeing the pod and the pods already admitted (alive,
 * not finished); the first refusal wins. A refused pod is never started: its status
 * becomes phase Failed with the handler's reason and the message "Pod was rejected: "
 * followed by the handler's message, keeping the conditions it had and writing no
 * container statuses (so that `kubectl get pod` shows the reason). Pure.
 */
import type { KObject } from '../../registry/types.js';
import type { Obj } from './deps.js';

/** Why a pod may not run on this node: an event reason and message. */
export interface Refusal {
  reason: string;
  message: string;
}

/** One admission check; undefined admits the pod. `admitted` never holds `pod` itself. */
export type AdmitHandler = (pod: KObject, admitted: readonly KObject[]) => Refusal | undefined;

/** The first refusal of `handlers`, or undefined when all admit the pod. */
export function canAdmitPod(
  handlers: readonly AdmitHandler[],
  pod: KObject,
  admitted: readonly KObject[],
): Refusal | undefined {
  for (const h of handlers) {
    const r = h(pod, admitted);
    if (r) return r;
  }
  return undefined;
}

/** The status message of a refused pod, as upstream's kubelet writes it. */
export function rejectionMessage(r: Refusal): string {
  return `Pod was rejected: ${r.message}`;
}

function status(pod: KObject): Obj {
  return (pod['status'] as Obj | undefined) ?? {};
}

/** Whether the pod's status says it has finished (Succeeded or Failed). */
export function finished(pod: KObject): boolean {
  const phase = status(pod)['phase'];
  return phase === 'Succeeded' || phase === 'Failed';
}

/**
 * Whether a pod met for the first time still needs admission: it is neither finished nor
 * being deleted, and no kubelet has started it (no startTime: a kubelet that restarts
 * keeps the pods it admitted before).
 */
export function awaitsAdmission(pod: KObject): boolean {
  return !finished(pod) && !pod.metadata?.deletionTimestamp && status(pod)['startTime'] === undefined;
}

/** The status of a refused pod: Failed, reason and message; conditions and the rest kept. */
export function rejectedStatus(pod: KObject, r: Refusal, now: string): Obj {
  const { containerStatuses: _c, initContainerStatuses: _i, ...rest } = status(pod);
  return {
    ...rest,
    phase: 'Failed',
    reason: r.reason,
    message: rejectionMessage(r),
    startTime: rest['startTime'] ?? now,
  };
}
