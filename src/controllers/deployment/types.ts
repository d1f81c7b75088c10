/**
 * The shapes the Deployment controller reads and writes: apps/v1 Deployment and
 * ReplicaSet with writable metadata and status, and casts from the untyped objects the
 * client and caches hold. Types only.
 */
import type {
  DeploymentCondition,
  DeploymentStatus,
  ReplicaSetStatus,
  Deployment as UpstreamDeployment,
  ReplicaSet as UpstreamReplicaSet,
} from 'kubernetes-types/apps/v1.js';
import type { KObject, ObjectMeta } from '../../registry/types.js';

export type { DeploymentCondition, DeploymentStatus, ReplicaSetStatus };

export type Deployment = Omit<UpstreamDeployment, 'metadata'> & { metadata?: ObjectMeta };
export type ReplicaSet = Omit<UpstreamReplicaSet, 'metadata' | 'status'> & {
  metadata?: ObjectMeta;
  status?: ReplicaSetStatus;
};
export type PodTemplate = NonNullable<UpstreamReplicaSet['spec']>['template'];

export function asDeployment(o: KObject): Deployment {
  return o as unknown as Deployment;
}

export function asReplicaSet(o: KObject): ReplicaSet {
  return o as unknown as ReplicaSet;
}

export function toObject(o: Deployment | ReplicaSet): KObject {
  return o as unknown as KObject;
}

/** spec.replicas with the API default (1). */
export function replicasOf(o: { spec?: { replicas?: number } } | undefined): number {
  return o?.spec?.replicas ?? 1;
}
