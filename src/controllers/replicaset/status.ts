/**
 * The status a replica controller writes for a ReplicaSet or ReplicationController, from
 * the pods it controls: replicas (active pods), fullyLabeledReplicas (pods carrying every
 * template label), readyReplicas, availableReplicas (ready for minReadySeconds),
 * observedGeneration, and the ReplicaFailure condition while creating or deleting pods
 * fails. Zero counts are omitted, as upstream's JSON omits them. Pure.
 */
import { selectorFromSet } from '../../api/selectors/index.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import { deepEqual } from '../../util/deep-equal.js';
import { type Condition, getCondition, removeCondition, setCondition } from '../framework/conditions.js';
import { isPodAvailable, isPodReady, msUntilAvailable, type Pod } from '../framework/pods.js';

export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export interface ReplicaSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: {
    metadata?: {
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
      finalizers?: string[];
    };
    spec?: unknown;
  };
}

export function specOf(obj: KObject): ReplicaSpec {
  return (obj['spec'] ?? {}) as ReplicaSpec;
}

export function statusOf(obj: KObject): ReplicaStatus | undefined {
  return obj['status'] as ReplicaStatus | undefined;
}

/**
 * The new status. `manageError` is the error of this sync's creations or deletions, if
 * any: it sets ReplicaFailure (FailedCreate when pods were missing, FailedDelete when
 * there were too many); a sync without error clears it.
 */
export function calculateStatus(
  obj: KObject,
  pods: Pod[],
  manageError: Error | undefined,
  now: number,
): ReplicaStatus {
  const spec = specOf(obj);
  const minReady = spec.minReadySeconds ?? 0;
  const templateLabels = selectorFromSet(spec.template?.metadata?.labels);
  let fully = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (templateLabels.matches(p.metadata?.labels)) fully++;
    if (isPodReady(p)) ready++;
    if (isPodAvailable(p, minReady, now)) available++;
  }
  const status: ReplicaStatus = { replicas: pods.length };
  if (fully) status.fullyLabeledReplicas = fully;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  const generation = obj.metadata?.generation;
  if (generation !== undefined) status.observedGeneration = generation;
  let conditions = statusOf(obj)?.conditions ?? [];
  const failure = getCondition(conditions, 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - (spec.replicas ?? 1);
    conditions = setCondition(conditions, {
      type: 'ReplicaFailure',
      status: 'True',
      reason: diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '',
      message: manageError.message,
      lastTransitionTime: timestamp(now),
    });
  } else if (!manageError && failure) {
    conditions = removeCondition(conditions, 'ReplicaFailure');
  }
  if (conditions.length > 0) status.conditions = conditions;
  return status;
}

/** Whether writing `next` would change anything. */
export function statusChanged(obj: KObject, next: ReplicaStatus): boolean {
  return !deepEqual(statusOf(obj) ?? {}, next);
}

/** Milliseconds until the next ready pod becomes available (to look again then), if any. */
export function nextAvailabilityCheck(pods: Pod[], minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let next: number | undefined;
  for (const p of pods) {
    const ms = msUntilAvailable(p, minReadySeconds, now);
    if (ms !== undefined && (next === undefined || ms < next)) next = ms;
  }
  return next;
}
