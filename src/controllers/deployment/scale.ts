/**
 * Scaling a Deployment's ReplicaSets: one ReplicaSet to a size (with the
 * ScalingReplicaSet Event, `Scaled up replica set NAME from A to B`, and the
 * desired/max replicas annotations kept current), detecting that the Deployment itself
 * was scaled, and spreading a scale over several active ReplicaSets in proportion to
 * their sizes (mid-rollout), leftovers going to the largest. Old ReplicaSets beyond
 * revisionHistoryLimit that have scaled to zero are deleted here too.
 */
import {
  desiredReplicasOf,
  replicasAnnotationsNeedUpdate,
  revisionOf,
  setReplicasAnnotations,
} from './annotations.js';
import { replicaSetsAndSyncRevision } from './new-replicaset.js';
import {
  filterActive,
  findActiveOrLatest,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  proportion,
  specReplicas,
} from './replicas.js';
import { byRevision, bySizeNewer, bySizeOlder } from './replicasets.js';
import { deleteReplicaSet, event, type SyncContext, updateReplicaSet } from './sync-context.js';
import { type ReplicaSet, replicasOf } from './types.js';

export interface Scaled {
  scaled: boolean;
  rs: ReplicaSet;
}

/** Sets `rs` to `size` (and its replicas annotations); records the Event when the size changed. */
export async function scaleReplicaSet(
  s: SyncContext,
  rs: ReplicaSet,
  size: number,
  operation: string,
): Promise<Scaled> {
  const d = s.d;
  const old = rs.spec?.replicas ?? 0;
  const sizeChanged = old !== size;
  const desired = replicasOf(d);
  const max = desired + maxSurge(d);
  if (!sizeChanged && !replicasAnnotationsNeedUpdate(rs, desired, max)) return { scaled: false, rs };
  const copy = structuredClone(rs);
  copy.spec!.replicas = size;
  setReplicasAnnotations(copy, desired, max);
  const updated = await updateReplicaSet(s, copy);
  if (sizeChanged) {
    event(
      s,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${operation} replica set ${rs.metadata?.name} from ${old} to ${size}`,
    );
  }
  return { scaled: sizeChanged, rs: updated };
}

export function scaleReplicaSetAndRecordEvent(s: SyncContext, rs: ReplicaSet, size: number): Promise<Scaled> {
  const old = rs.spec?.replicas ?? 0;
  if (old === size) return Promise.resolve({ scaled: false, rs });
  return scaleReplicaSet(s, rs, size, old < size ? 'up' : 'down');
}

/** Whether an active ReplicaSet was sized for a different desired count than the Deployment's now. */
export async function isScalingEvent(s: SyncContext): Promise<boolean> {
  const { newRS, oldRSs } = await replicaSetsAndSyncRevision(s, false);
  for (const rs of filterActive([...oldRSs, newRS])) {
    const desired = desiredReplicasOf(rs);
    if (desired !== undefined && desired !== replicasOf(s.d)) return true;
  }
  return false;
}

/** Brings the ReplicaSets to the Deployment's size without rolling (scaling events, paused). */
export async function scale(
  s: SyncContext,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): Promise<void> {
  const d = s.d;
  const want = replicasOf(d);
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    if ((single.spec?.replicas ?? 0) !== want) await scaleReplicaSetAndRecordEvent(s, single, want);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await scaleReplicaSetAndRecordEvent(s, old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive([...oldRSs, newRS]);
  const allowed = want > 0 ? want + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(all);
  let operation = '';
  if (toAdd > 0) {
    all.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    all.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = new Map<ReplicaSet, number>();
  for (const rs of all) {
    const share = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs, (rs.spec?.replicas ?? 0) + share);
    added += share;
  }
  for (const [i, rs] of all.entries()) {
    let size = sizes.get(rs)!;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + (toAdd - added));
    await scaleReplicaSet(s, rs, size, operation);
  }
}

/** Deletes the oldest old ReplicaSets beyond revisionHistoryLimit that run nothing. */
export async function cleanupDeployment(s: SyncContext, oldRSs: ReplicaSet[]): Promise<void> {
  const limit = s.d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return;
  const alive = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return;
  alive.sort(byRevision((rs) => revisionOf(rs) ?? 0));
  for (const rs of alive.slice(0, diff)) {
    if (
      (rs.status?.replicas ?? 0) !== 0 ||
      (rs.spec?.replicas ?? 0) !== 0 ||
      (rs.metadata?.generation ?? 0) > (rs.status?.observedGeneration ?? 0)
    )
      continue;
    await deleteReplicaSet(s, rs);
  }
}
