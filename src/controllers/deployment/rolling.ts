/**
 * The RollingUpdate strategy: grow the new ReplicaSet as far as maxSurge allows, then
 * shrink old ReplicaSets as far as maxUnavailable allows (first their unavailable pods,
 * oldest ReplicaSets first, then available ones), one step per sync; the ReplicaSet
 * controller and pod readiness drive the next step. Old ReplicaSets beyond the history
 * limit are cleaned up once the rollout is complete.
 */
import { replicaSetsAndSyncRevision } from './new-replicaset.js';
import { deploymentComplete } from './progress.js';
import {
  availableReplicas,
  filterActive,
  maxUnavailable,
  newReplicaSetReplicas,
  specReplicas,
} from './replicas.js';
import { byCreation } from './replicasets.js';
import { syncRolloutStatus } from './rollout-status.js';
import { cleanupDeployment, scaleReplicaSetAndRecordEvent } from './scale.js';
import { current, latest, type SyncContext } from './sync-context.js';
import { type ReplicaSet, replicasOf } from './types.js';

export async function rolloutRolling(s: SyncContext): Promise<void> {
  const { newRS, oldRSs } = await replicaSetsAndSyncRevision(s, true);
  const olds = () => current(s, oldRSs);
  const fresh = () => (newRS ? latest(s, newRS) : undefined);
  const all = () => [...olds(), fresh()];
  if (newRS) {
    if (await reconcileNewReplicaSet(s, all(), fresh()!)) return syncRolloutStatus(s, all(), fresh());
    if (await reconcileOldReplicaSets(s, all(), filterActive(olds()), fresh()!)) {
      return syncRolloutStatus(s, all(), fresh());
    }
  }
  if (deploymentComplete(s.d, s.d.status ?? {})) await cleanupDeployment(s, olds());
  return syncRolloutStatus(s, all(), fresh());
}

async function reconcileNewReplicaSet(
  s: SyncContext,
  all: (ReplicaSet | undefined)[],
  newRS: ReplicaSet,
): Promise<boolean> {
  const want = replicasOf(s.d);
  const size = newRS.spec?.replicas ?? 0;
  if (size === want) return false;
  if (size > want) return (await scaleReplicaSetAndRecordEvent(s, newRS, want)).scaled;
  return (await scaleReplicaSetAndRecordEvent(s, newRS, newReplicaSetReplicas(s.d, all, newRS))).scaled;
}

async function reconcileOldReplicaSets(
  s: SyncContext,
  all: (ReplicaSet | undefined)[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
): Promise<boolean> {
  if (specReplicas(oldRSs) === 0) return false;
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const newUnavailable = (newRS.spec?.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(s, oldRSs, maxScaledDown);
  const olds = oldRSs.map((rs) => latest(s, rs));
  const scaledDown = await scaleDownOldForRollingUpdate(s, [...olds, newRS], olds);
  return cleaned + scaledDown > 0;
}

/** Scales old ReplicaSets down by their unavailable pods, oldest first, at most `max` in all. */
async function cleanupUnhealthyReplicas(s: SyncContext, oldRSs: ReplicaSet[], max: number): Promise<number> {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= max) break;
    const size = rs.spec?.replicas ?? 0;
    const available = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size === available) continue;
    const down = Math.min(max - total, size - available);
    await scaleReplicaSetAndRecordEvent(s, rs, size - down);
    total += down;
  }
  return total;
}

/** Scales old ReplicaSets down while more than the minimum of pods stays available, oldest first. */
async function scaleDownOldForRollingUpdate(
  s: SyncContext,
  all: ReplicaSet[],
  oldRSs: ReplicaSet[],
): Promise<number> {
  const minAvailable = replicasOf(s.d) - maxUnavailable(s.d);
  const available = availableReplicas(all);
  if (available <= minAvailable) return 0;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= target) break;
    const size = rs.spec?.replicas ?? 0;
    if (size === 0) continue;
    const down = Math.min(size, target - total);
    await scaleReplicaSetAndRecordEvent(s, rs, size - down);
    total += down;
  }
  return total;
}
