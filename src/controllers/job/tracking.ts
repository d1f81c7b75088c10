/**
 * Counting finished pods exactly once, with the tracking finalizer: a finished pod's UID
 * is first written to `status.uncountedTerminatedPods` (an Indexed Job's success to
 * `completedIndexes` instead), then its finalizer is removed, then it moves from the
 * uncounted lists to the `succeeded`/`failed` counters. A crash between steps loses
 * nothing: an uncounted UID whose pod has no finalizer left is counted on the next sync.
 * The Job's terminal condition (Complete or Failed, after the interim SuccessCriteriaMet or
 * FailureTarget) is only set once nothing is uncounted and no pod is terminating.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import { type Condition, ensureCondition, findCondition, newCondition } from './conditions.js';
import { matchFailurePolicy } from './failure-policy.js';
import { formatIntervals, hasIndex, withIndexes } from './intervals.js';
import { removeFinalizers } from './pod-actions.js';
import { completionIndex, hasTrackingFinalizer } from './pods.js';
import { completionsOf, isIndexed, isPodFailed, type JobEnv, type Status, type SyncState } from './state.js';

/** Keeps `status.uncountedTerminatedPods` well under 20 KB and bounds one sync's work. */
const MAX_UNCOUNTED = 500;

/** Moves UIDs whose pods lost their finalizer from the uncounted lists to the counters. */
function countRemoved(status: Status, withFinalizer: ReadonlySet<string>): boolean {
  status.uncountedTerminatedPods ??= {};
  const u = status.uncountedTerminatedPods;
  let changed = false;
  const s = (u.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  if (s.length !== (u.succeeded ?? []).length) {
    status.succeeded = (status.succeeded ?? 0) + (u.succeeded ?? []).length - s.length;
    u.succeeded = s;
    changed = true;
  }
  const f = (u.failed ?? []).filter((uid) => withFinalizer.has(uid));
  if (f.length !== (u.failed ?? []).length) {
    status.failed = (status.failed ?? 0) + (u.failed ?? []).length - f.length;
    u.failed = f;
    changed = true;
  }
  return changed;
}

/** The status as written: zero counters and empty lists are left out, as upstream's JSON does. */
function wireStatus(status: Status): Status {
  const s: Status = structuredClone(status);
  for (const k of ['active', 'succeeded', 'failed'] as const) if (!s[k]) delete s[k];
  const u = s.uncountedTerminatedPods ?? {};
  if (!u.succeeded?.length) delete u.succeeded;
  if (!u.failed?.length) delete u.failed;
  s.uncountedTerminatedPods = u;
  if (!s.completedIndexes) delete s.completedIndexes;
  if (!s.conditions?.length) delete s.conditions;
  return s;
}

async function writeStatus(env: JobEnv, st: SyncState): Promise<void> {
  const updated = await env.jobs.updateStatus({ ...st.obj, status: wireStatus(st.status) });
  st.obj = updated;
  st.job = updated as Job;
  st.status = (updated['status'] ?? {}) as Status;
  st.status.uncountedTerminatedPods ??= {};
}

function canRemoveFinalizer(st: SyncState, p: Pod, failed: boolean): boolean {
  return (
    !!st.job.metadata?.deletionTimestamp ||
    st.finished !== undefined ||
    p.status?.phase === 'Succeeded' ||
    failed
  );
}

export async function trackAndFlush(env: JobEnv, st: SyncState, needsFlushIn: boolean): Promise<void> {
  let needsFlush = needsFlushIn;
  const indexed = isIndexed(st.job);
  const completions = completionsOf(st.job);
  const status = st.status;
  status.uncountedTerminatedPods ??= {};
  const uncounted = status.uncountedTerminatedPods;
  const pods = indexed ? [...st.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : st.pods;
  const withFinalizer = new Set<string>();
  for (const p of pods) {
    const uid = p.metadata?.uid ?? '';
    if (hasTrackingFinalizer(p) && !st.expectedRemovals.has(uid)) withFinalizer.add(uid);
  }
  if (countRemoved(status, withFinalizer)) needsFlush = true;
  uncounted.succeeded ??= [];
  uncounted.failed ??= [];
  const newSucceeded = uncounted.succeeded;
  const newFailed = uncounted.failed;

  const toRemove: Pod[] = [];
  const newIndexes: number[] = [];
  let reachedMax = false;
  const failing = st.finished !== undefined && st.finished.type !== 'SuccessCriteriaMet';
  for (const p of pods) {
    const uid = p.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(p) || st.expectedRemovals.has(uid)) continue;
    const failed = isPodFailed(p, st.job);
    if (!canRemoveFinalizer(st, p, failed)) continue;
    toRemove.push(p);
    const ix = completionIndex(p);
    if (p.status?.phase === 'Succeeded' && !st.uncounted.failed.has(uid)) {
      if (indexed) {
        if (ix >= 0 && ix < completions && !hasIndex(st.prevSucceededIndexes, ix)) {
          newIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!st.uncounted.succeeded.has(uid)) {
        newSucceeded.push(uid);
        needsFlush = true;
      }
    } else if (failed || failing) {
      const validIndex = !indexed || (ix >= 0 && ix < completions);
      if (
        !st.uncounted.failed.has(uid) &&
        validIndex &&
        matchFailurePolicy(st.job.spec?.podFailurePolicy, p).count
      ) {
        newFailed.push(uid);
        needsFlush = true;
      }
    }
    if (
      newIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >=
      MAX_UNCOUNTED
    ) {
      // The status update and pod events bring this Job back for the rest.
      reachedMax = true;
      break;
    }
  }
  if (indexed) {
    st.succeededIndexes = withIndexes(st.succeededIndexes, newIndexes);
    const text = formatIntervals(st.succeededIndexes);
    if (text !== (status.completedIndexes ?? '')) needsFlush = true;
    status.completedIndexes = text;
    status.succeeded = st.succeededIndexes.reduce((n, iv) => n + iv.last - iv.first + 1, 0);
  }
  const nowTs = timestamp(env.now());
  status.conditions ??= [];
  if (st.finished?.type === 'FailureTarget') {
    status.conditions.push(st.finished);
    needsFlush = true;
    st.finished = newCondition('Failed', 'True', st.finished.reason ?? '', st.finished.message ?? '', nowTs);
  }
  if (st.finished?.type === 'SuccessCriteriaMet') {
    if (!findCondition(status.conditions, 'SuccessCriteriaMet')) {
      status.conditions.push(st.finished);
      needsFlush = true;
    }
    st.finished = newCondition(
      'Complete',
      'True',
      st.finished.reason ?? '',
      st.finished.message ?? '',
      nowTs,
    );
  }

  // 1. Record the new uncounted UIDs (and interim conditions) before touching finalizers.
  if (needsFlush) {
    await writeStatus(env, st);
    env.backoffs.set(st.key, st.newBackoff);
    needsFlush = false;
  }
  // 2. Remove the finalizers; 3. count the pods that lost them.
  let rmError: unknown;
  if (toRemove.length > 0) {
    const { done, error } = await removeFinalizers(env, st.key, toRemove);
    rmError = error;
    toRemove.forEach((p, i) => {
      if (done[i]) withFinalizer.delete(p.metadata?.uid ?? '');
    });
  }
  if (countRemoved(st.status, withFinalizer)) needsFlush = true;
  if (rmError) {
    if (needsFlush) await writeStatus(env, st);
    throw rmError;
  }
  const finished = !reachedMax && enactFinished(st, nowTs);
  if (finished) needsFlush = true;
  if (needsFlush) {
    await writeStatus(env, st);
    if (finished && st.finished) recordFinished(env, st.obj, st.finished);
  }
}

/** Sets the terminal condition once every pod is counted and none is terminating. */
function enactFinished(st: SyncState, nowTs: string): boolean {
  const cond = st.finished;
  if (!cond) return false;
  const u = st.status.uncountedTerminatedPods ?? {};
  if ((u.succeeded?.length ?? 0) + (u.failed?.length ?? 0) > 0) return false;
  if (st.terminating > 0) return false;
  st.status.conditions ??= [];
  const conds = st.status.conditions;
  ensureCondition(conds, cond.type, cond.status, cond.reason ?? '', cond.message ?? '', nowTs);
  if (cond.type === 'Complete') st.status.completionTime = cond.lastTransitionTime ?? nowTs;
  return true;
}

function recordFinished(env: JobEnv, obj: KObject, cond: Condition): void {
  const completions = (obj as { spec?: { completions?: number } }).spec?.completions;
  const succeeded = ((obj['status'] ?? {}) as Status).succeeded ?? 0;
  if (cond.type === 'Complete') {
    if (completions !== undefined && completions !== null && succeeded > completions) {
      env.recorder.event(
        obj,
        'Warning',
        'TooManySucceededPods',
        'Too many succeeded pods running after completion count reached',
      );
    }
    env.recorder.event(obj, 'Normal', 'Completed', 'Job completed');
  } else {
    env.recorder.event(obj, 'Warning', cond.reason ?? 'Failed', cond.message ?? '');
  }
}
