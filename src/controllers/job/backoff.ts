/**
 * The delay before a Job re-creates pods after failures: 10 s after the first failure since
 * the last success, doubling with each further one, capped (at six minutes, the figure the
 * Kubernetes documentation gives). A record per Job counts failures after the last success
 * and remembers when the last one happened; it is memory only, rebuilt as pods finish.
 * Pure: times are milliseconds, `now` is passed in.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { finishedAt } from './pods.js';

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_POD_FAILURE_BACKOFF: BackoffPolicy = { baseMs: 10_000, maxMs: 6 * 60_000 };

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureAt: number | undefined;
}

export const NO_BACKOFF: BackoffRecord = { failuresAfterLastSuccess: 0, lastFailureAt: undefined };

/** The delay owed after `failures` consecutive failures (0 for none). */
export function backoffDelay(failures: number, policy: BackoffPolicy): number {
  if (failures <= 0) return 0;
  let d = policy.baseMs;
  for (let i = 1; i < failures && d < policy.maxMs; i++) d *= 2;
  return Math.min(d, policy.maxMs);
}

/** How long to wait from `now` before creating pods again (0: now). */
export function remainingBackoff(rec: BackoffRecord, now: number, policy: BackoffPolicy): number {
  if (rec.failuresAfterLastSuccess === 0 || rec.lastFailureAt === undefined) return 0;
  const elapsed = now - rec.lastFailureAt;
  return Math.max(0, backoffDelay(rec.failuresAfterLastSuccess, policy) - elapsed);
}

/**
 * The record after counting newly finished pods: failures after the latest success are
 * added; a success resets the count to the failures that came after it.
 */
export function nextBackoffRecord(prev: BackoffRecord, newSucceeded: Pod[], newFailed: Pod[]): BackoffRecord {
  const failTimes = newFailed.map(finishedAt).sort((a, b) => a - b);
  if (newSucceeded.length === 0) {
    if (failTimes.length === 0) return prev;
    return {
      failuresAfterLastSuccess: prev.failuresAfterLastSuccess + failTimes.length,
      lastFailureAt: failTimes[failTimes.length - 1],
    };
  }
  const lastSuccess = Math.max(...newSucceeded.map(finishedAt));
  const after = failTimes.filter((t) => t > lastSuccess);
  return {
    failuresAfterLastSuccess: after.length,
    lastFailureAt: after.length > 0 ? after[after.length - 1] : undefined,
  };
}
