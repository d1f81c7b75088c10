/**
 * One sync of one Deployment, given its claimed ReplicaSets and their pods: a Deployment
 * being deleted only gets status; a paused one or one just scaled is scaled without
 * rolling (and a paused one is cleaned up); otherwise it rolls out by its strategy.
 * The Progressing condition notes pausing and resuming first.
 */
import { replicaSetsAndSyncRevision } from './new-replicaset.js';
import { type PodMap, rolloutRecreate } from './recreate.js';
import { rolloutRolling } from './rolling.js';
import { checkPausedConditions, syncDeploymentStatus } from './rollout-status.js';
import { cleanupDeployment, isScalingEvent, scale } from './scale.js';
import { current, latest, type SyncContext } from './sync-context.js';

/** Scales to the Deployment's size without rolling, then writes status. */
async function scaleOnly(s: SyncContext): Promise<void> {
  const { newRS, oldRSs } = await replicaSetsAndSyncRevision(s, false);
  await scale(s, newRS && latest(s, newRS), current(s, oldRSs));
  if (s.d.spec?.paused) await cleanupDeployment(s, current(s, oldRSs));
  await syncDeploymentStatus(
    s,
    [...current(s, oldRSs), newRS && latest(s, newRS)],
    newRS && latest(s, newRS),
  );
}

export async function syncDeployment(s: SyncContext, pods: PodMap): Promise<void> {
  if (s.d.metadata?.deletionTimestamp) {
    const { newRS, oldRSs } = await replicaSetsAndSyncRevision(s, false);
    return syncDeploymentStatus(s, [...oldRSs, newRS], newRS);
  }
  await checkPausedConditions(s);
  if (s.d.spec?.paused) return scaleOnly(s);
  if (await isScalingEvent(s)) return scaleOnly(s);
  return s.d.spec?.strategy?.type === 'Recreate' ? rolloutRecreate(s, pods) : rolloutRolling(s);
}
