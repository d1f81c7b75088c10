/**
 * What one sync of a Job works with: the controller's collaborators (JobEnv) and the state
 * computed from the informer caches as the sync goes (SyncState), plus the predicates on
 * pods that depend on the Job's spec. Holds no logic that talks to the API server.
 */
import type { Job } from 'kubernetes-types/batch/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { ResourceClient } from '../../client/client.js';
import type { KObject } from '../../registry/types.js';
import type { Expectations } from '../framework/expectations.js';
import type { EventRecorder } from '../framework/recorder.js';
import type { BackoffPolicy, BackoffRecord } from './backoff.js';
import type { Condition } from './conditions.js';
import type { FinalizerExpectations } from './expectations.js';
import type { Interval } from './intervals.js';
import { completionIndex, hasTrackingFinalizer } from './pods.js';

export interface JobEnv {
  jobs: ResourceClient;
  pods: ResourceClient;
  recorder: EventRecorder;
  now(): number;
  expectations: Expectations;
  finalizers: FinalizerExpectations;
  backoffs: Map<string, BackoffRecord>;
  backoffPolicy: BackoffPolicy;
}

/** The mutable form of JobStatus this controller writes. */
export interface Status {
  active?: number;
  ready?: number;
  terminating?: number;
  succeeded?: number;
  failed?: number;
  startTime?: string;
  completionTime?: string;
  completedIndexes?: string;
  conditions?: Condition[];
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
}

export interface SyncState {
  key: string;
  /** A private copy of the Job; `status` is the object written back. */
  obj: KObject;
  job: Job;
  status: Status;
  pods: Pod[];
  activePods: Pod[];
  active: number;
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  prevSucceededIndexes: Interval[];
  succeededIndexes: Interval[];
  newBackoff: BackoffRecord;
  expectedRemovals: ReadonlySet<string>;
  uncounted: { succeeded: Set<string>; failed: Set<string> };
  /** The condition the Job is heading to (interim or final), if decided. */
  finished: Condition | undefined;
  /** The shortest delay after which this Job must be synced again. */
  requeueMs: number | undefined;
}

export function requeueAfter(st: SyncState, ms: number): void {
  st.requeueMs = st.requeueMs === undefined ? ms : Math.min(st.requeueMs, ms);
}

export function isIndexed(job: Job): boolean {
  return job.spec?.completionMode === 'Indexed';
}

export function completionsOf(job: Job): number {
  return job.spec?.completions ?? 0;
}

export function isSuspended(job: Job): boolean {
  return job.spec?.suspend === true;
}

/** Replacements wait for terminating pods to fail (podReplacementPolicy Failed, or a failure policy). */
export function onlyReplaceFailed(job: Job): boolean {
  return job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy !== undefined;
}

/** Failed, or (unless only failed pods are replaced) deleted before it succeeded. */
export function isPodFailed(p: Pod, job: Job): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (onlyReplaceFailed(job)) return false;
  return !!p.metadata?.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

/** A pod this Job still has to count: tracked, not counted yet, with a valid index if Indexed. */
export function isUncountedCandidate(st: SyncState, p: Pod, uncounted: ReadonlySet<string>): boolean {
  const uid = p.metadata?.uid ?? '';
  if (!hasTrackingFinalizer(p) || uncounted.has(uid) || st.expectedRemovals.has(uid)) return false;
  if (isIndexed(st.job)) {
    const ix = completionIndex(p);
    if (ix < 0 || ix >= completionsOf(st.job)) return false;
  }
  return true;
}
