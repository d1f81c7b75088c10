/**
 * One step of convergence for a replica controller: create the missing pods (in
 * slow-start batches, at most `burst` per sync) or delete the surplus ones (the least
 * valuable first), recording expectations before asking so the next sync waits for
 * these writes to show up in the cache. Failed requests lower the expectations again.
 */
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound } from '../../client/errors.js';
import type { KObject } from '../../registry/types.js';
import type { Expectations } from '../framework/expectations.js';
import type { PodControl } from '../framework/pod-control.js';
import { podsToDelete } from '../framework/pod-ranking.js';
import { type Pod, podKey } from '../framework/pods.js';
import { slowStartBatch } from '../framework/slow-start.js';
import { specOf } from './status.js';

/** Upstream's cap on creations or deletions in one sync. */
export const BURST_REPLICAS = 500;

export interface ManageInput {
  key: string;
  owner: KObject;
  ref: OwnerReference;
  /** The active pods the owner controls. */
  pods: Pod[];
  /** Pods of the owner's family (sibling ReplicaSets of one Deployment), for ranking. */
  related: () => Pod[];
  expectations: Expectations;
  podControl: PodControl;
  burst?: number;
}

/** Creates or deletes pods toward spec.replicas; throws the first failure after bookkeeping. */
export async function manageReplicas(input: ManageInput): Promise<void> {
  const { key, owner, expectations, podControl } = input;
  const spec = specOf(owner);
  const burst = input.burst ?? BURST_REPLICAS;
  const diff = input.pods.length - (spec.replicas ?? 1);
  if (diff < 0) {
    const count = Math.min(-diff, burst);
    expectations.expectCreations(key, count);
    const { successes, error } = await slowStartBatch(count, 1, () =>
      podControl.create(spec.template, owner, input.ref),
    );
    for (let i = successes; i < count; i++) expectations.creationObserved(key);
    if (error) throw error;
    return;
  }
  if (diff > 0) {
    const count = Math.min(diff, burst);
    const victims = podsToDelete(input.pods, count, input.related());
    expectations.expectDeletions(key, victims.map(podKey));
    const errors: Error[] = [];
    await Promise.all(
      victims.map(async (p) => {
        try {
          await podControl.delete(p.metadata!.namespace!, p.metadata!.name!, owner);
        } catch (err) {
          // The informer will never see this deletion: stop waiting for it.
          expectations.deletionObserved(key, podKey(p));
          if (!isNotFound(err)) errors.push(err as Error);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }
}
