/**
 * The status of a Deployment computed from its ReplicaSets: replica counts summed over
 * them (replicas, updated, ready, available, unavailable), the observed generation, and
 * the Available condition. Other conditions are carried over for the caller to adjust.
 * Pure.
 */
import { setCondition } from '../framework/conditions.js';
import { AVAILABLE, newCondition, Reasons } from './progress.js';
import {
  actualReplicas,
  availableReplicas,
  maxUnavailable,
  readyReplicas,
  specReplicas,
} from './replicas.js';
import { type Deployment, type DeploymentStatus, type ReplicaSet, replicasOf } from './types.js';

export function calculateStatus(
  all: (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
  now: number,
): DeploymentStatus {
  const available = availableReplicas(all);
  const unavailable = Math.max(0, specReplicas(all) - available);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata?.generation ?? 0,
    replicas: actualReplicas(all),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(all),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  const enough = available >= replicasOf(d) - maxUnavailable(d);
  status.conditions = setCondition(
    d.status?.conditions ?? [],
    enough
      ? newCondition(AVAILABLE, 'True', Reasons.minimumAvailable, 'Deployment has minimum availability.', now)
      : newCondition(
          AVAILABLE,
          'False',
          Reasons.minimumUnavailable,
          'Deployment does not have minimum availability.',
          now,
        ),
  );
  return status;
}
