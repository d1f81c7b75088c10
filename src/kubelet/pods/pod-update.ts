/**
 * Which API updates of a pod need a sync, as the kubelet's pod config decides: a change
 * of spec, labels, annotations or deletion (timestamp, grace period) does; a change of
 * status alone does not (it is often the kubelet's own write coming back), unless the pod
 * has readiness gates, whose conditions others set and the Ready condition follows. The
 * periodic sync still looks at every pod. Pure.
 */
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import type { Obj } from './deps.js';

function readinessGated(pod: KObject): boolean {
  const gates = (pod['spec'] as Obj | undefined)?.['readinessGates'];
  return Array.isArray(gates) && gates.length > 0;
}

export function needsSync(old: KObject, pod: KObject): boolean {
  if (readinessGated(pod)) return true;
  const a = old.metadata ?? {};
  const b = pod.metadata ?? {};
  return (
    !deepEqual(old['spec'], pod['spec']) ||
    !deepEqual(a.labels ?? {}, b.labels ?? {}) ||
    !deepEqual(a.annotations ?? {}, b.annotations ?? {}) ||
    a.deletionTimestamp !== b.deletionTimestamp ||
    a.deletionGracePeriodSeconds !== b.deletionGracePeriodSeconds
  );
}
