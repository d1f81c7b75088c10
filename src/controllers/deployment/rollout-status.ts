/**
 * Writing a Deployment's status after a sync: the counts and Available condition
 * (status.ts), then, while a rollout is not yet complete and a progress deadline is set,
 * the Progressing condition (ReplicaSetUpdated on progress, which also restarts the
 * deadline; NewReplicaSetAvailable when complete; ProgressDeadlineExceeded after the
 * deadline), the ReplicaSets' ReplicaFailure carried over, and a look again when the
 * deadline would pass. Also the paused/resumed Progressing condition.
 */
import { deepEqual } from '../../util/deep-equal.js';
import { getCondition, removeCondition, setCondition } from '../framework/conditions.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  hasProgressDeadline,
  msUntilDeadline,
  newCondition,
  PROGRESSING,
  REPLICA_FAILURE,
  Reasons,
} from './progress.js';
import { calculateStatus } from './status.js';
import { compactStatus, type SyncContext, updateDeploymentStatus } from './sync-context.js';
import type { DeploymentCondition, ReplicaSet } from './types.js';

function changed(s: SyncContext, next: typeof s.d.status): boolean {
  return !deepEqual(compactStatus(s.d.status), compactStatus(next));
}

/** Status only (scaling, paused, deleting). */
export async function syncDeploymentStatus(
  s: SyncContext,
  all: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
): Promise<void> {
  const next = calculateStatus(all, newRS, s.d, s.env.now());
  if (!changed(s, next)) return;
  s.d.status = next;
  await updateDeploymentStatus(s);
}

/** The ReplicaFailure conditions of the new ReplicaSet, else of any other. */
function replicaFailures(
  all: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
): DeploymentCondition[] {
  const of = (rs: ReplicaSet | undefined) =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === REPLICA_FAILURE)
      .map((c) => ({
        type: c.type,
        status: c.status,
        ...(c.lastTransitionTime
          ? { lastTransitionTime: c.lastTransitionTime, lastUpdateTime: c.lastTransitionTime }
          : {}),
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.message !== undefined ? { message: c.message } : {}),
      }));
  const own = of(newRS);
  return own.length > 0 ? own : all.flatMap(of);
}

/** Status with the Progressing condition, during or after a rollout. */
export async function syncRolloutStatus(
  s: SyncContext,
  all: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
): Promise<void> {
  const d = s.d;
  const now = s.env.now();
  const next = calculateStatus(all, newRS, d, now);
  if (!hasProgressDeadline(d)) next.conditions = removeCondition(next.conditions, PROGRESSING);
  const current = getCondition(d.status?.conditions, PROGRESSING);
  const complete =
    (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === Reasons.newRSAvailable;
  if (hasProgressDeadline(d) && !complete) {
    const rsName = newRS?.metadata?.name;
    if (deploymentComplete(d, next)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has successfully progressed.`
        : `Deployment "${d.metadata?.name}" has successfully progressed.`;
      next.conditions = setCondition(
        next.conditions,
        newCondition(PROGRESSING, 'True', Reasons.newRSAvailable, msg, now),
      );
    } else if (deploymentProgressing(d, next)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" is progressing.`
        : `Deployment "${d.metadata?.name}" is progressing.`;
      const cond = newCondition(PROGRESSING, 'True', Reasons.rsUpdated, msg, now);
      // Progress refreshes lastUpdateTime (the deadline counts from it); the transition time stays.
      if (current) {
        if (current.status === 'True' && current.lastTransitionTime)
          cond.lastTransitionTime = current.lastTransitionTime;
        next.conditions = removeCondition(next.conditions, PROGRESSING);
      }
      next.conditions = setCondition(next.conditions, cond);
    } else if (deploymentTimedOut(d, next, now)) {
      const msg = rsName
        ? `ReplicaSet "${rsName}" has timed out progressing.`
        : `Deployment "${d.metadata?.name}" has timed out progressing.`;
      next.conditions = setCondition(
        next.conditions,
        newCondition(PROGRESSING, 'False', Reasons.timedOut, msg, now),
      );
    }
  }
  const failures = replicaFailures(all, newRS);
  next.conditions =
    failures.length > 0
      ? setCondition(next.conditions, failures[0]!)
      : removeCondition(next.conditions, REPLICA_FAILURE);
  if (changed(s, next)) {
    s.d.status = next;
    await updateDeploymentStatus(s);
  }
  s.requeueAfter = msUntilDeadline(d, s.d.status ?? {}, now);
}

/** Sets Progressing to DeploymentPaused or DeploymentResumed when spec.paused changed. */
export async function checkPausedConditions(s: SyncContext): Promise<void> {
  const d = s.d;
  if (!hasProgressDeadline(d)) return;
  const cond = getCondition(d.status?.conditions, PROGRESSING);
  if (cond?.reason === Reasons.timedOut) return;
  const pausedCond = cond?.reason === Reasons.paused;
  const now = s.env.now();
  let next: DeploymentCondition | undefined;
  if (d.spec?.paused && !pausedCond) {
    next = newCondition(PROGRESSING, 'Unknown', Reasons.paused, 'Deployment is paused', now);
  } else if (!d.spec?.paused && pausedCond) {
    next = newCondition(PROGRESSING, 'Unknown', Reasons.resumed, 'Deployment is resumed', now);
  }
  if (!next) return;
  d.status!.conditions = setCondition(d.status?.conditions, next);
  await updateDeploymentStatus(s);
}
