/**
 * What the Job controller reads from a pod beyond the shared pod helpers: whether it has
 * finished or is terminating, its completion index, its tracking finalizer, and when it
 * finished (for the failure backoff). Pure.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';

export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

export function isTerminal(p: Pod): boolean {
  const ph = p.status?.phase;
  return ph === 'Succeeded' || ph === 'Failed';
}

/** Being deleted but not yet in a terminal phase. */
export function isTerminating(p: Pod): boolean {
  return !!p.metadata?.deletionTimestamp && !isTerminal(p);
}

export function hasTrackingFinalizer(p: Pod): boolean {
  return (p.metadata?.finalizers ?? []).includes(TRACKING_FINALIZER);
}

/** The completion index from the pod's annotation, or -1 when absent or invalid. */
export function completionIndex(p: Pod): number {
  const v = p.metadata?.annotations?.[COMPLETION_INDEX];
  if (v === undefined || !/^\d+$/.test(v)) return -1;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : -1;
}

function ms(t: string | undefined): number | undefined {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isNaN(v) ? undefined : v;
}

/**
 * When the pod finished: the latest container finish time when all containers have
 * terminated, else when it became not ready, else when it was deleted (less its grace
 * period), else its creation.
 */
export function finishedAt(p: Pod): number {
  const statuses = p.status?.containerStatuses ?? [];
  let latest: number | undefined;
  let all = statuses.length > 0;
  for (const cs of statuses) {
    const t = ms(cs.state?.terminated?.finishedAt);
    if (t === undefined) {
      all = false;
      break;
    }
    latest = latest === undefined ? t : Math.max(latest, t);
  }
  if (all && latest !== undefined) return latest;
  const ready = (p.status?.conditions ?? []).find((c) => c.type === 'Ready');
  const rt = ready?.status === 'False' ? ms(ready.lastTransitionTime) : undefined;
  if (rt !== undefined) return rt;
  const del = ms(p.metadata?.deletionTimestamp);
  if (del !== undefined) return del - (p.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
  return ms(p.metadata?.creationTimestamp) ?? 0;
}
