/**
 * The Recreate strategy: scale every old ReplicaSet to zero, wait until none of their
 * pods runs any more, then create (or find) the new ReplicaSet and scale it to the full
 * count at once.
 */

import type { Pod } from '../framework/pods.js';
import { replicaSetsAndSyncRevision } from './new-replicaset.js';
import { deploymentComplete } from './progress.js';
import { actualReplicas, filterActive } from './replicas.js';
import { syncRolloutStatus } from './rollout-status.js';
import { cleanupDeployment, scaleReplicaSetAndRecordEvent } from './scale.js';
import { current, latest, type SyncContext } from './sync-context.js';
import { type ReplicaSet, replicasOf } from './types.js';

/** Pods by the UID of the ReplicaSet that controls them. */
export type PodMap = Map<string, Pod[]>;

function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], pods: PodMap): boolean {
  if (actualReplicas(oldRSs) > 0) return true;
  for (const [uid, list] of pods) {
    if (newRS && newRS.metadata?.uid === uid) continue;
    for (const p of list) {
      const phase = p.status?.phase;
      if (phase !== 'Failed' && phase !== 'Succeeded') return true;
    }
  }
  return false;
}

export async function rolloutRecreate(s: SyncContext, pods: PodMap): Promise<void> {
  let { newRS, oldRSs } = await replicaSetsAndSyncRevision(s, false);
  const all = () => [...current(s, oldRSs), newRS && latest(s, newRS)];
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await scaleReplicaSetAndRecordEvent(s, rs, 0)).scaled) scaledDown = true;
  }
  if (scaledDown) return syncRolloutStatus(s, all(), newRS && latest(s, newRS));
  if (oldPodsRunning(newRS, current(s, oldRSs), pods))
    return syncRolloutStatus(s, all(), newRS && latest(s, newRS));
  if (!newRS) ({ newRS, oldRSs } = await replicaSetsAndSyncRevision(s, true));
  if (newRS) await scaleReplicaSetAndRecordEvent(s, latest(s, newRS), replicasOf(s.d));
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, current(s, oldRSs));
  return syncRolloutStatus(s, all(), newRS && latest(s, newRS));
}
