/**
 * The annotations that tie a Deployment to its ReplicaSets: the revision number of each
 * ReplicaSet (and the Deployment's copy of its new one), the history of revisions a
 * ReplicaSet had before a rollback brought it back, the desired and maximum replicas a
 * ReplicaSet was sized for (used to scale proportionally), and the Deployment's own
 * annotations (such as `kubernetes.io/change-cause`) copied to its new ReplicaSet.
 * Functions mutate the object they are given and say whether they changed it, as
 * upstream's helpers do. Pure.
 */
import type { Deployment, ReplicaSet } from './types.js';
import { replicasOf } from './types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const CHANGE_CAUSE = 'kubernetes.io/change-cause';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The longest revision history annotation kept (older entries are dropped first). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

/** Annotations of a Deployment that are its own and never copied to ReplicaSets. */
const NOT_COPIED = new Set([
  LAST_APPLIED,
  REVISION,
  REVISION_HISTORY,
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  ROLLBACK_TO,
]);

function annotations(o: { metadata?: { annotations?: Record<string, string> } }): Record<string, string> {
  o.metadata ??= {};
  o.metadata.annotations ??= {};
  return o.metadata.annotations;
}

/** The revision of an object: 0 without the annotation, undefined if it is not a number. */
export function revisionOf(o: { metadata?: { annotations?: Record<string, string> } }): number | undefined {
  const v = o.metadata?.annotations?.[REVISION];
  if (v === undefined) return 0;
  return /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/** The highest revision among `sets` (0 if none). */
export function maxRevision(sets: ReplicaSet[]): number {
  let max = 0;
  for (const rs of sets) max = Math.max(max, revisionOf(rs) ?? 0);
  return max;
}

/** Copies the Deployment's own annotations to `rs`; true if any changed. */
export function copyDeploymentAnnotations(d: Deployment, rs: ReplicaSet): boolean {
  const target = annotations(rs);
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (NOT_COPIED.has(k) || target[k] === v) continue;
    target[k] = v;
    changed = true;
  }
  return changed;
}

/** Sets the desired/max replicas annotations; true if either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = annotations(rs);
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) {
    a[DESIRED_REPLICAS] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS] !== String(max)) {
    a[MAX_REPLICAS] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/** The desired-replicas annotation as a number, if present and valid. */
export function desiredReplicasOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS);
}

/** The max-replicas annotation as a number, if present and valid. */
export function maxReplicasOf(rs: ReplicaSet): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS);
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : undefined;
}

/**
 * Annotations of the new ReplicaSet: the Deployment's own, the revision `newRevision`
 * when it is higher than the current one (keeping the replaced revision in the history
 * annotation, which is what a rollback to an old ReplicaSet looks like), and, for a
 * ReplicaSet about to be created (`exists` false), the replicas annotations (`maxSurge`
 * is the Deployment's, resolved).
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: string,
  exists: boolean,
  maxSurge: number,
  maxHistoryChars = MAX_REVISION_HISTORY_CHARS,
): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = annotations(rs);
  const had = Object.hasOwn(a, REVISION);
  const oldRevision = a[REVISION] ?? '';
  const oldNum = oldRevision === '' ? 0 : /^-?\d+$/.test(oldRevision) ? Number(oldRevision) : undefined;
  if (oldNum === undefined) return false;
  const newNum = /^-?\d+$/.test(newRevision) ? Number(newRevision) : 0;
  if (oldNum < newNum) {
    a[REVISION] = newRevision;
    changed = true;
    if (had) {
      const history = a[REVISION_HISTORY] ?? '';
      if (history === '') {
        a[REVISION_HISTORY] = oldRevision;
      } else {
        let entries = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > maxHistoryChars && start < entries.length) {
          total -= entries[start]!.length + 1;
          start++;
        }
        if (total <= maxHistoryChars) {
          entries = [...entries.slice(start), oldRevision];
          a[REVISION_HISTORY] = entries.join(',');
        }
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge)) changed = true;
  return changed;
}

/** Sets the Deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const a = annotations(d);
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}
