/**
 * A StatefulSet's pod health as the controller judges it (created, running and ready,
 * available after minReadySeconds, terminating) and the status it writes: replica counts
 * per revision, current and update revisions, and the end of a rolling update (when every
 * wanted pod is updated and ready, the update revision becomes the current one). Pure;
 * `now` is injected.
 */
import type { StatefulSet, StatefulSetStatus } from 'kubernetes-types/apps/v1.js';
import { isPodAvailable, isPodReady, type Pod } from '../framework/pods.js';
import { REVISION_LABEL, replicasOf } from './identity.js';

/** The API server has accepted the pod (it has a phase). */
export function isCreated(pod: Pod): boolean {
  return !!pod.status?.phase;
}

export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp;
}

export function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Failed' || phase === 'Succeeded';
}

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status?.phase === 'Running' && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return isRunningAndReady(pod) && isPodAvailable(pod, minReadySeconds, now);
}

/** Running, ready and not being deleted. */
export function isHealthy(pod: Pod): boolean {
  return isRunningAndReady(pod) && !isTerminating(pod);
}

export function revisionOf(pod: Pod): string {
  return pod.metadata?.labels?.[REVISION_LABEL] ?? '';
}

export interface RevisionNames {
  current: string;
  update: string;
  collisionCount: number;
}

/** The status of `set` with these pods (existing ones only) and revisions. */
export function computeStatus(
  set: StatefulSet,
  pods: readonly Pod[],
  revisions: RevisionNames,
  now: number,
): StatefulSetStatus {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const status = {
    observedGeneration: set.metadata?.generation ?? 0,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: revisions.current,
    updateRevision: revisions.update,
    collisionCount: revisions.collisionCount,
  } satisfies StatefulSetStatus;
  for (const pod of pods) {
    if (isCreated(pod)) status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, minReady, now)) status.availableReplicas++;
    }
    if (isCreated(pod) && !isTerminating(pod)) {
      const rev = revisionOf(pod);
      if (rev === revisions.current) status.currentReplicas++;
      if (rev === revisions.update) status.updatedReplicas++;
    }
  }
  return status;
}

/**
 * `status` with a finished rolling update completed: every wanted pod exists, is updated
 * and ready, so the update revision becomes current.
 */
export function completeRollingUpdate(set: StatefulSet, status: StatefulSetStatus): StatefulSetStatus {
  const want = replicasOf(set);
  const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
  if (
    rolling &&
    status.updatedReplicas === want &&
    status.readyReplicas === want &&
    status.replicas === want
  ) {
    return { ...status, currentReplicas: status.updatedReplicas, currentRevision: status.updateRevision };
  }
  return status;
}

const COMPARED: (keyof StatefulSetStatus)[] = [
  'observedGeneration',
  'replicas',
  'readyReplicas',
  'currentReplicas',
  'updatedReplicas',
  'availableReplicas',
  'currentRevision',
  'updateRevision',
  'collisionCount',
];

/** Whether `next` differs from what the set's status says (so it must be written). */
export function statusChanged(set: StatefulSet, next: StatefulSetStatus): boolean {
  const cur = (set.status ?? {}) as Record<string, unknown>;
  const n = next as unknown as Record<string, unknown>;
  return COMPARED.some((k) => (cur[k] ?? 0) !== (n[k] ?? 0));
}
