/**
 * When a finished Job's time to live runs out: ttlSecondsAfterFinished after the
 * transition of its Complete or Failed condition. Pure.
 */
import type { KObject } from '../../registry/types.js';
import { finishedTime, isFinished } from '../job/conditions.js';

/** Whether this controller will ever delete the Job: it has a TTL and has finished. */
export function needsCleanup(job: KObject): boolean {
  const ttl = (job as { spec?: { ttlSecondsAfterFinished?: number | null } }).spec?.ttlSecondsAfterFinished;
  return ttl !== undefined && ttl !== null && isFinished(job);
}

export type TtlState =
  | { kind: 'keep' }
  | { kind: 'wait'; ms: number }
  | { kind: 'expired' }
  | { kind: 'error'; message: string };

export function ttlState(job: KObject, now: number): TtlState {
  if (job.metadata?.deletionTimestamp || !needsCleanup(job)) return { kind: 'keep' };
  const finished = finishedTime(job);
  if (finished === undefined) {
    return {
      kind: 'error',
      message: `unable to find the time when the Job ${job.metadata?.namespace}/${job.metadata?.name} finished`,
    };
  }
  const ttl = (job as { spec?: { ttlSecondsAfterFinished?: number } }).spec?.ttlSecondsAfterFinished ?? 0;
  const left = finished + ttl * 1000 - now;
  return left <= 0 ? { kind: 'expired' } : { kind: 'wait', ms: left };
}
