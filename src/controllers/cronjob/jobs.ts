/**
 * The Jobs of a CronJob: the Job made from the template for one scheduled time (named
 * `<cronjob>-<minutes since the epoch>`, so one time never yields two Jobs; the template's
 * labels and annotations plus `batch.kubernetes.io/cronjob-scheduled-timestamp` in the
 * CronJob's zone), the object references of `status.active`, and the order in which old
 * finished Jobs are removed. Pure.
 */
import type { CronJob } from 'kubernetes-types/batch/v1.js';
import { rfc3339In } from '../../api/cron/zone.js';
import type { KObject } from '../../registry/types.js';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface JobRef {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export function asCronJob(o: KObject): CronJob {
  return o as CronJob;
}

export function jobName(cronJobName: string, scheduled: number): string {
  return `${cronJobName}-${Math.floor(scheduled / 60_000)}`;
}

export function jobFromTemplate(cj: CronJob, scheduled: number): KObject {
  const tmpl = structuredClone(cj.spec?.jobTemplate ?? {}) as {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    spec?: unknown;
  };
  const annotations = { ...(tmpl.metadata?.annotations ?? {}) };
  // As upstream: the spec's zone, or UTC when none is set.
  annotations[SCHEDULED_TIMESTAMP] = rfc3339In(cj.spec?.timeZone ?? 'UTC', scheduled);
  const metadata: Record<string, unknown> = {
    name: jobName(cj.metadata?.name ?? '', scheduled),
    namespace: cj.metadata?.namespace,
    annotations,
    ownerReferences: [
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        name: cj.metadata?.name ?? '',
        uid: cj.metadata?.uid ?? '',
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
  if (tmpl.metadata?.labels && Object.keys(tmpl.metadata.labels).length > 0) {
    metadata['labels'] = { ...tmpl.metadata.labels };
  }
  return { apiVersion: 'batch/v1', kind: 'Job', metadata, spec: tmpl.spec ?? {} };
}

export function refTo(job: KObject): JobRef {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    namespace: job.metadata?.namespace,
    name: job.metadata?.name,
    uid: job.metadata?.uid,
    resourceVersion: job.metadata?.resourceVersion,
  };
}

/** Oldest first by status.startTime (Jobs not started last), then by name. */
export function byStartTime(a: KObject, b: KObject): number {
  const sa = (a['status'] as { startTime?: string } | undefined)?.startTime;
  const sb = (b['status'] as { startTime?: string } | undefined)?.startTime;
  if (sa && !sb) return -1;
  if (!sa && sb) return 1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** "Mon, 02 Jan 2006 15:04:05 -0700" in UTC, as Go's RFC1123Z. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${p(d.getUTCDate())} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
