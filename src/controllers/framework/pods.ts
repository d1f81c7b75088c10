/**
 * Pod state as controllers read it: active (not finished, not being deleted), ready (the
 * Ready condition is True), available (ready for at least minReadySeconds), and when a
 * ready pod will become available. Times come from the Ready condition's
 * lastTransitionTime; `now` is injected. Pure.
 */
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { KObject } from '../../registry/types.js';

export type { Pod };

export function asPod(obj: KObject): Pod {
  return obj as unknown as Pod;
}

/** Not Succeeded or Failed, and not marked for deletion. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** Milliseconds since the epoch when the pod last became ready, if it is ready and says when. */
export function podReadySince(pod: Pod): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  const t = Date.parse(c.lastTransitionTime);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Ready for at least `minReadySeconds` at `now` (upstream: strictly after the ready time
 * plus minReadySeconds). With minReadySeconds 0 a ready pod is available.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/**
 * Milliseconds until a ready but not yet available pod becomes available; undefined when
 * the pod is not ready or already available.
 */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (!isPodReady(pod) || isPodAvailable(pod, minReadySeconds, now)) return undefined;
  const since = podReadySince(pod);
  if (since === undefined) return undefined;
  return Math.max(0, since + minReadySeconds * 1000 - now) + 1;
}

/** The largest restart count of the pod's containers. */
export function maxContainerRestarts(pod: Pod): number {
  let max = 0;
  for (const c of pod.status?.containerStatuses ?? []) max = Math.max(max, c.restartCount ?? 0);
  return max;
}

/** `namespace/name`, the key expectations track pods by. */
export function podKey(pod: { metadata?: { namespace?: string; name?: string } }): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}
