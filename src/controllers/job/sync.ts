/**
 * One sync of one Job, from the informer caches: count its newly finished pods, decide
 * whether it has failed (podFailurePolicy FailJob, backoffLimit, activeDeadlineSeconds) or
 * succeeded, delete the active pods of a Job that is done, otherwise converge its pods
 * (manage.ts) and keep the Suspended condition, then write the status and count finished
 * pods exactly once (tracking.ts). Returns the delay after which the Job needs another look.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { timestamp } from '../../registry/generic/meta.js';
import type { KObject } from '../../registry/types.js';
import { isPodActive as isActive, isPodReady as isReady } from '../framework/pods.js';
import { NO_BACKOFF, nextBackoffRecord } from './backoff.js';
import {
  type Condition,
  ensureCondition,
  findCondition,
  MESSAGE,
  newCondition,
  REASON,
} from './conditions.js';
import { matchFailurePolicy } from './failure-policy.js';
import { countIndexes, parseIntervals, withIndexes } from './intervals.js';
import { manageJob } from './manage.js';
import { deleteActivePods } from './pod-actions.js';
import { completionIndex, hasTrackingFinalizer, isTerminating } from './pods.js';
import {
  completionsOf,
  isIndexed,
  isPodFailed,
  isSuspended,
  isUncountedCandidate,
  type JobEnv,
  requeueAfter,
  type Status,
  type SyncState,
} from './state.js';
import { trackAndFlush } from './tracking.js';

function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    const phase = p.status?.phase;
    if (phase !== 'Running' && phase !== 'Pending') continue;
    for (const cs of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) {
      restarts += cs.restartCount ?? 0;
    }
  }
  const limit = job.spec?.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function failJobMessage(job: Job, pods: Pod[]): string | undefined {
  const policy = job.spec?.podFailurePolicy;
  if (!policy) return undefined;
  for (const p of pods) {
    if (!isPodFailed(p, job)) continue;
    const m = matchFailurePolicy(policy, p).failJobMessage;
    if (m) return m;
  }
  return undefined;
}

function newState(env: JobEnv, key: string, shared: KObject, pods: Pod[]): SyncState {
  const obj = structuredClone(shared);
  const job = obj as Job;
  const status = ((obj['status'] as Status | undefined) ?? {}) as Status;
  obj['status'] = status;
  status.uncountedTerminatedPods ??= {};
  const activePods = pods.filter(isActive);
  return {
    key,
    obj,
    job,
    status,
    pods,
    activePods,
    active: activePods.length,
    ready: activePods.filter(isReady).length,
    terminating: pods.filter(isTerminating).length,
    succeeded: 0,
    failed: 0,
    prevSucceededIndexes: [],
    succeededIndexes: [],
    newBackoff: env.backoffs.get(key) ?? NO_BACKOFF,
    expectedRemovals: env.finalizers.get(key),
    uncounted: {
      succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
      failed: new Set(status.uncountedTerminatedPods.failed ?? []),
    },
    finished: undefined,
    requeueMs: undefined,
  };
}

/** Decides whether the Job has failed; schedules the deadline check otherwise. */
function failureCondition(env: JobEnv, st: SyncState, nowTs: string): Condition | undefined {
  const job = st.job;
  const conds = st.status.conditions ?? [];
  const met = findCondition(conds, 'SuccessCriteriaMet');
  if (met?.status === 'True') return met;
  const target = findCondition(conds, 'FailureTarget');
  if (target?.status === 'True') {
    return newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', nowTs);
  }
  const msg = failJobMessage(job, st.pods);
  if (msg) return newCondition('FailureTarget', 'True', REASON.podFailurePolicy, msg, nowTs);
  if (st.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, st.pods)) {
    return newCondition('FailureTarget', 'True', REASON.backoffLimit, MESSAGE.backoffLimit, nowTs);
  }
  const ads = job.spec?.activeDeadlineSeconds;
  const start = st.status.startTime ? Date.parse(st.status.startTime) : undefined;
  if (ads !== undefined && ads !== null && start !== undefined && !isSuspended(job)) {
    const left = start + ads * 1000 - env.now();
    if (left <= 0) return newCondition('FailureTarget', 'True', REASON.deadline, MESSAGE.deadline, nowTs);
    requeueAfter(st, left);
  }
  return undefined;
}

export async function syncJob(
  env: JobEnv,
  key: string,
  shared: KObject,
  pods: Pod[],
  satisfied: boolean,
): Promise<number | undefined> {
  const st = newState(env, key, shared, pods);
  const job = st.job;
  const status = st.status;
  const nowTs = timestamp(env.now());

  const newSucceeded = pods
    .filter((p) => isUncountedCandidate(st, p, st.uncounted.succeeded))
    .filter((p) => p.status?.phase === 'Succeeded');
  const newFailed = pods
    .filter((p) => isUncountedCandidate(st, p, st.uncounted.failed))
    .filter((p) => isPodFailed(p, job));
  const counted = newFailed.filter((p) => matchFailurePolicy(job.spec?.podFailurePolicy, p).count);
  st.succeeded = (status.succeeded ?? 0) + newSucceeded.length + st.uncounted.succeeded.size;
  st.failed = (status.failed ?? 0) + counted.length + st.uncounted.failed.size;

  let needsFlush = false;
  if (!status.startTime && !isSuspended(job)) {
    status.startTime = nowTs;
    needsFlush = true;
  }
  st.newBackoff = nextBackoffRecord(st.newBackoff, newSucceeded, newFailed);
  st.finished = failureCondition(env, st, nowTs);

  if (isIndexed(job)) {
    const completions = completionsOf(job);
    st.prevSucceededIndexes = parseIntervals(status.completedIndexes, completions);
    const done = pods
      .filter((p) => p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p))
      .map(completionIndex)
      .filter((ix) => ix >= 0 && ix < completions);
    st.succeededIndexes = withIndexes(st.prevSucceededIndexes, done);
    st.succeeded = countIndexes(st.succeededIndexes);
  }

  let actionError: unknown;
  if (st.finished) {
    const res = await deleteActivePods(env, st.obj, st.activePods);
    // Not finished while pods may remain or be unseen.
    if (res.deleted !== st.active || !satisfied) st.finished = undefined;
    st.active -= res.deleted;
    st.terminating += res.deleted;
    st.ready -= res.deletedReady;
    actionError = res.error;
  } else {
    let managed = false;
    if (satisfied && !job.metadata?.deletionTimestamp) {
      actionError = await manageJob(env, st);
      managed = true;
    }
    const completions = job.spec?.completions;
    const complete =
      completions === undefined || completions === null
        ? st.succeeded > 0 && st.active === 0
        : st.succeeded >= completions && st.active === 0;
    if (complete) {
      st.finished = newCondition(
        'SuccessCriteriaMet',
        'True',
        REASON.completionsReached,
        MESSAGE.completionsReached,
        nowTs,
      );
    } else if (managed && syncSuspended(env, st, nowTs)) {
      needsFlush = true;
    }
  }

  if (
    st.active !== (status.active ?? 0) ||
    st.ready !== status.ready ||
    st.terminating !== status.terminating
  ) {
    needsFlush = true;
  }
  status.active = st.active;
  status.ready = st.ready;
  status.terminating = st.terminating;
  await trackAndFlush(env, st, needsFlush);
  if (actionError) throw actionError;
  return st.requeueMs;
}

/** Keeps the Suspended condition (and its events) in step with spec.suspend. */
function syncSuspended(env: JobEnv, st: SyncState, nowTs: string): boolean {
  st.status.conditions ??= [];
  const conds = st.status.conditions;
  if (isSuspended(st.job)) {
    if (!ensureCondition(conds, 'Suspended', 'True', 'JobSuspended', 'Job suspended', nowTs)) return false;
    env.recorder.event(st.obj, 'Normal', 'Suspended', 'Job suspended');
    return true;
  }
  if (!ensureCondition(conds, 'Suspended', 'False', 'JobResumed', 'Job resumed', nowTs)) return false;
  env.recorder.event(st.obj, 'Normal', 'Resumed', 'Job resumed');
  // A resumed Job's activeDeadlineSeconds counts from now.
  st.status.startTime = nowTs;
  return true;
}
