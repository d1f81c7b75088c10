/**
 * The Deployment's conditions and the tests upstream makes of its status: Available
 * (enough pods available given maxUnavailable), Progressing with its reasons (a new
 * ReplicaSet created or found, ReplicaSets updated, the new one available, the deadline
 * exceeded, paused and resumed), and whether a rollout is complete, progressing, or
 * timed out. Pure; `now` is injected.
 */
import { timestamp } from '../../registry/generic/meta.js';
import { getCondition } from '../framework/conditions.js';
import { type Deployment, type DeploymentCondition, type DeploymentStatus, replicasOf } from './types.js';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';

export const Reasons = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  failedRSCreate: 'ReplicaSetCreateError',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

/** Kubernetes' "no deadline" value of progressDeadlineSeconds (MaxInt32). */
const NO_DEADLINE = 2147483647;

export function newCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== NO_DEADLINE;
}

/** Every desired pod is updated, available, and nothing else runs, for the current generation. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const want = replicasOf(d);
  return (
    (s.updatedReplicas ?? 0) === want &&
    (s.replicas ?? 0) === want &&
    (s.availableReplicas ?? 0) === want &&
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** `next` shows progress over the Deployment's current status. */
export function deploymentProgressing(d: Deployment, next: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** No progress for progressDeadlineSeconds since the Progressing condition was last updated. */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s.conditions, PROGRESSING);
  if (!c) return false;
  if (c.reason === Reasons.newRSAvailable) return false;
  if (c.reason === Reasons.timedOut) return true;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : Number.NaN;
  if (Number.isNaN(from)) return false;
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/**
 * Milliseconds until the deadline of a rollout in progress passes (to look again then);
 * undefined when there is no deadline to watch.
 */
export function msUntilDeadline(d: Deployment, s: DeploymentStatus, now: number): number | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const c = getCondition(s.conditions, PROGRESSING);
  if (!c || deploymentComplete(d, s) || c.reason === Reasons.timedOut) return undefined;
  if (c.reason === Reasons.paused) return undefined;
  const from = c.lastUpdateTime ? Date.parse(c.lastUpdateTime) : Number.NaN;
  if (Number.isNaN(from)) return undefined;
  return Math.max(0, from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now) + 1000;
}
