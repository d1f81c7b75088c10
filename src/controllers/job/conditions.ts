/**
 * Job conditions: the reasons and messages upstream uses, whether a Job has finished
 * (Complete or Failed is True), and setting a condition so that its transition time only
 * moves when it changes. Other controllers (CronJob, TTL after finished) read a Job's end
 * through here. Pure.
 */
import type { Job, JobCondition } from 'kubernetes-types/batch/v1.js';
import type { KObject } from '../../registry/types.js';

export type Condition = { -readonly [K in keyof JobCondition]: JobCondition[K] };

export const REASON = {
  backoffLimit: 'BackoffLimitExceeded',
  deadline: 'DeadlineExceeded',
  podFailurePolicy: 'PodFailurePolicy',
  completionsReached: 'CompletionsReached',
} as const;

export const MESSAGE = {
  backoffLimit: 'Job has reached the specified backoff limit',
  deadline: 'Job was active longer than specified deadline',
  completionsReached: 'Reached expected number of succeeded pods',
} as const;

export function asJob(o: KObject): Job {
  return o as Job;
}

export function findCondition(
  conds: readonly JobCondition[] | undefined,
  type: string,
): Condition | undefined {
  return (conds ?? []).find((c) => c.type === type) as Condition | undefined;
}

function isTrue(o: KObject, type: string): boolean {
  return findCondition(asJob(o).status?.conditions, type)?.status === 'True';
}

/** `Complete`, `Failed`, or undefined while the Job runs. */
export function finishedType(o: KObject): 'Complete' | 'Failed' | undefined {
  for (const c of asJob(o).status?.conditions ?? []) {
    if ((c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return c.type;
  }
  return undefined;
}

export function isFinished(o: KObject): boolean {
  return finishedType(o) !== undefined;
}

export function isSucceeded(o: KObject): boolean {
  return isTrue(o, 'Complete');
}

/** When the Job finished (the finishing condition's transition), in ms; undefined if it has not. */
export function finishedTime(o: KObject): number | undefined {
  const type = finishedType(o);
  if (!type) return undefined;
  const t = findCondition(asJob(o).status?.conditions, type)?.lastTransitionTime;
  const v = t ? Date.parse(t) : Number.NaN;
  return Number.isNaN(v) ? undefined : v;
}

export function newCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): Condition {
  return { type, status, reason, message, lastProbeTime: now, lastTransitionTime: now };
}

/**
 * Sets condition `type` in `conds` (in place). A new False condition is not added. Returns
 * whether anything changed.
 */
export function ensureCondition(
  conds: Condition[],
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): boolean {
  const i = conds.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = conds[i]!;
    if (c.status === status && (c.reason ?? '') === reason && (c.message ?? '') === message) return false;
    conds[i] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === 'False') return false;
  conds.push(newCondition(type, status, reason, message, now));
  return true;
}
