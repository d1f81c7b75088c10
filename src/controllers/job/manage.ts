/**
 * Converging a running Job's pods on what it wants: none while suspended; otherwise as
 * many active pods as parallelism allows and remaining completions need (a Job without
 * completions keeps parallelism pods until one succeeds, then lets the rest finish).
 * Excess pods are deleted first, cheapest first; missing ones are created once the failure
 * backoff has passed, taking the lowest free indexes of an Indexed Job. A sync either
 * deletes or creates, never both. Updates `st.active`, `st.ready` and `st.terminating`.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { compareForDeletion } from '../framework/pod-ranking.js';
import { remainingBackoff } from './backoff.js';
import { firstPendingIndexes, withIndexes } from './intervals.js';
import { createPods, deleteJobPods } from './pod-actions.js';
import { completionIndex, isTerminating } from './pods.js';
import {
  completionsOf,
  isIndexed,
  isSuspended,
  type JobEnv,
  onlyReplaceFailed,
  requeueAfter,
  type SyncState,
} from './state.js';

/** The most pods created or deleted in one sync. */
const MAX_PER_SYNC = 500;
/** The shortest delay of a requeue for backoff (upstream's batching period). */
const MIN_REQUEUE_MS = 1000;

/** Pods to delete: an Indexed Job's duplicates and strays first, then the cheapest, at least `atLeast`. */
export function podsForRemoval(job: Job, pods: Pod[], atLeast: number): Pod[] {
  let rm: Pod[] = [];
  let left: Pod[] = pods;
  if (isIndexed(job)) {
    const completions = completionsOf(job);
    const byIndex = new Map<number, Pod[]>();
    left = [];
    for (const p of pods) {
      const ix = completionIndex(p);
      if (ix < 0 || ix >= completions) rm.push(p);
      else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
    }
    for (const group of byIndex.values()) {
      group.sort(compareForDeletion);
      rm.push(...group.slice(0, -1));
      left.push(group[group.length - 1]!);
    }
  }
  if (rm.length < atLeast) {
    rm = [...rm, ...[...left].sort(compareForDeletion).slice(0, atLeast - rm.length)];
  }
  return rm;
}

export async function manageJob(env: JobEnv, st: SyncState): Promise<unknown> {
  const job = st.job;
  const active = st.activePods.length;
  if (isSuspended(job)) return remove(env, st, podsForRemoval(job, st.activePods, active));

  const parallelism = job.spec?.parallelism ?? 1;
  let want: number;
  if (job.spec?.completions === undefined || job.spec.completions === null) {
    want = st.succeeded > 0 ? active : parallelism;
  } else {
    want = Math.max(0, Math.min(job.spec.completions - st.succeeded, parallelism));
  }
  const excess = podsForRemoval(job, st.activePods, Math.max(0, active - want)).slice(0, MAX_PER_SYNC);
  if (excess.length > 0) return remove(env, st, excess);

  const waitingFor = onlyReplaceFailed(job) ? st.terminating : 0;
  let diff = Math.min(want - waitingFor - active, MAX_PER_SYNC);
  if (diff <= 0) return undefined;
  const wait = remainingBackoff(st.newBackoff, env.now(), env.backoffPolicy);
  if (wait > 0) {
    requeueAfter(st, Math.max(wait, MIN_REQUEUE_MS));
    return undefined;
  }
  let indexes: (number | undefined)[];
  if (isIndexed(job)) {
    const busy = st.activePods.map(completionIndex).filter((i) => i >= 0);
    if (onlyReplaceFailed(job)) {
      busy.push(
        ...st.pods
          .filter(isTerminating)
          .map(completionIndex)
          .filter((i) => i >= 0),
      );
    }
    indexes = firstPendingIndexes(withIndexes(st.succeededIndexes, busy), diff, completionsOf(job));
    diff = indexes.length;
  } else {
    indexes = Array.from({ length: diff }, () => undefined);
  }
  if (diff === 0) return undefined;
  const { created, error } = await createPods(env, st.key, st.obj, indexes);
  st.active += created;
  return error;
}

async function remove(env: JobEnv, st: SyncState, pods: Pod[]): Promise<unknown> {
  if (pods.length === 0) return undefined;
  const res = await deleteJobPods(env, st.key, st.obj, pods);
  st.active -= res.deleted;
  st.terminating += res.deleted;
  st.ready -= res.deletedReady;
  return res.error;
}
